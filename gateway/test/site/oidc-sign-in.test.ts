// Signing in to the status site in OIDC mode: the pasted access token is checked by the same
// Authenticator as /mcp (signature from the issuer's JWKS, issuer, audience, expiry), so a valid
// token becomes a session and an expired or foreign one gets the refusal /mcp would give.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initRepo } from '@mcpbox/core';
import { createGateway, type Gateway } from '../../src/index.ts';
import { IDENTITY, TEMPLATE_DIR } from '../support/gateway-fixture.ts';
import { TestRegistry } from '../support/test-registry.ts';
import { SITE_DIST } from './site-support.ts';

const AUDIENCE = 'mcpbox-test';
const temp = mkdtempSync(join(tmpdir(), 'mcpbox-oidc-site-'));
let jwks: Server;
let issuer: string;
let key: CryptoKey;
let gateway: Gateway;
let origin: string;

function sign(claims: { exp?: number | string; aud?: string }, signer: CryptoKey = key): Promise<string> {
  const jwt = new SignJWT({ email: 'ada@example.org' })
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setIssuedAt()
    .setIssuer(issuer)
    .setAudience(claims.aud ?? AUDIENCE)
    .setSubject('user-42');
  jwt.setExpirationTime(claims.exp ?? '10m');
  return jwt.sign(signer);
}

function signIn(token: string): Promise<Response> {
  return fetch(`${origin}/status/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin },
    body: new URLSearchParams({ token }).toString(),
    redirect: 'manual',
  });
}

beforeAll(async () => {
  const pair = await generateKeyPair('RS256');
  key = pair.privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  jwks = createServer((req, res) => {
    if (req.url === '/jwks.json') res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
    else if (req.url === '/.well-known/openid-configuration') res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks.json` }));
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}`;
  const repo = join(temp, 'repo.git');
  await initRepo(repo, TEMPLATE_DIR, IDENTITY);
  gateway = await createGateway({
    config: { host: '127.0.0.1', port: 0, repo, dataDir: temp, allowedHosts: ['127.0.0.1'], allowedOrigins: ['127.0.0.1'], logLevel: 'silent' },
    registry: new TestRegistry(),
    logger: pino({ level: 'silent' }),
    auth: { mode: 'oidc', bearerTokens: [], oidc: { issuer, audience: AUDIENCE }, remoteToolEditing: false },
    statusSite: { siteDir: SITE_DIST },
  });
  origin = new URL(await gateway.listen()).origin;
});

afterAll(async () => {
  await gateway?.close();
  await new Promise((resolve) => jwks.close(resolve));
  rmSync(temp, { recursive: true, force: true });
});

describe('status site sign-in with OIDC', () => {
  it('exchanges a valid access token for a session that opens the pages and names the user', async () => {
    const refused = await fetch(`${origin}/status/data.json`);
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { message: string }).message).toBe('Missing access token: authorize with the issuer named in the protected-resource metadata.');

    const accepted = await signIn(await sign({}));
    expect(accepted.status).toBe(303);
    expect(accepted.headers.get('location')).toBe('/status/');
    const cookie = /^(mcpbox_status=[A-Za-z0-9_-]{43});/.exec(accepted.headers.get('set-cookie') ?? '')?.[1];
    expect(cookie).toBeDefined();
    expect((await fetch(`${origin}/status/data.json`, { headers: { cookie: cookie! } })).status).toBe(200);
    const login = await fetch(`${origin}/status/login`, { headers: { cookie: cookie! } });
    expect(await login.text()).toContain('Signed in as <strong data-testid="signed-in-as">ada@example.org</strong>');
  });

  it('refuses an expired token and one for another audience with the reason, and sets no cookie', async () => {
    const expired = await signIn(await sign({ exp: Math.floor(Date.now() / 1000) - 60 }));
    expect(expired.status).toBe(401);
    expect(expired.headers.get('set-cookie')).toBeNull();
    expect(await expired.text()).toContain('<p class="error" role="alert" data-testid="login-error">The access token was refused: the token has expired.</p>');

    const foreign = await signIn(await sign({ aud: 'another-service' }));
    expect(foreign.status).toBe(401);
    // The message is escaped into the page: the token&#39;s &#34;aud&#34; claim …
    expect(await foreign.text()).toMatch(/data-testid="login-error">The access token was refused: the token&#39;s &#34;aud&#34; claim is not accepted \([a-z_ ]+\)\.<\/p>/);
  });
});
