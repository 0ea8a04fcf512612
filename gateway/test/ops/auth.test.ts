// Each auth mode over real HTTP: the right credentials are accepted (and named in the execution log),
// wrong ones are refused with the right status and challenge. OIDC tokens are signed with a locally
// generated key whose JWKS is served on 127.0.0.1; a trusted front may vouch for a user only with
// its service token, and such remote callers cannot use the tools that change things.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { Client as V1Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as V1Transport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { Authenticator, type AuthSettings } from '../../src/auth/index.ts';
import { runCli } from '../support/cli-process.ts';
import { postMcp, startOpsGateway, type OpsGateway } from './ops-fixture.ts';

const ALICE = 'alice-token-0123456789abcdef';
const CI = 'ci-token-fedcba9876543210xyz';
const FRONT = 'front-service-token-0123456789';

async function connect(url: string, headers: Record<string, string>): Promise<Client> {
  const client = new Client({ name: 'ops-auth', version: '1.0.0' }, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
  return client;
}

function textOf(result: unknown): string {
  return ((result as { content: Array<{ text?: string }> }).content[0]?.text) ?? '';
}

const gateways: OpsGateway[] = [];
afterAll(async () => {
  for (const g of gateways) await g.close();
});

async function start(auth: AuthSettings): Promise<OpsGateway> {
  const g = await startOpsGateway({ auth });
  gateways.push(g);
  return g;
}

describe('bearer', () => {
  let g: OpsGateway;
  beforeAll(async () => {
    g = await start({ mode: 'bearer', bearerTokens: [{ name: 'alice', token: ALICE }, { name: 'ci', token: CI }], remoteToolEditing: false });
  });

  it('refuses a missing or wrong token with 401 and a Bearer challenge', async () => {
    const missing = await postMcp(g.url);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer realm="mcpbox"/);
    expect(((await missing.json()) as { error: { message: string } }).error.message).toMatch(/Missing bearer token/);

    const wrong = await postMcp(g.url, { authorization: `Bearer ${ALICE}x` });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
    expect(await wrong.text()).not.toContain(ALICE);

    const basic = await postMcp(g.url, { authorization: `Basic ${Buffer.from(`alice:${ALICE}`).toString('base64')}` });
    expect(basic.status).toBe(401);
    expect((await fetch(`${g.origin}/metrics`)).status).toBe(401);
  });

  it('accepts each named token and logs the call under its name', async () => {
    for (const [name, token] of [['alice', ALICE], ['ci', CI]] as const) {
      const client = await connect(g.url, { authorization: `Bearer ${token}` });
      try {
        const result = await client.callTool({ name: 'mcpbox_list_servers', arguments: {} });
        expect(result.isError).toBeFalsy();
      } finally {
        await client.close();
      }
      const [entry] = g.logs.query({ tool: 'mcpbox_list_servers', limit: 1 });
      expect(entry?.caller).toBe(name);
    }
    expect((await fetch(`${g.origin}/healthz`)).status).toBe(200);
    expect((await fetch(`${g.origin}/metrics`, { headers: { authorization: `Bearer ${CI}` } })).status).toBe(200);
  });

  it('names the caller on 2025-era sessions too (v1 SDK client)', async () => {
    const client = new V1Client({ name: 'v1-ops', version: '1.0.0' });
    const transport = new V1Transport(new URL(g.url), { requestInit: { headers: { authorization: `Bearer ${CI}` } } });
    await client.connect(transport);
    try {
      const result = await client.callTool({ name: 'mcpbox_get_server_modules', arguments: {} });
      expect(result.isError).toBeFalsy();
    } finally {
      await transport.terminateSession().catch(() => undefined);
      await client.close();
    }
    expect(g.logs.query({ tool: 'mcpbox_get_server_modules', limit: 1 })[0]?.caller).toBe('ci');
    // The session id alone is not a credential.
    const hijack = await postMcp(g.url, { 'mcp-session-id': transport.sessionId ?? 'x' }, { jsonrpc: '2.0', id: 2, method: 'tools/list' });
    expect(hijack.status).toBe(401);
  });

  it('refuses X-MCPbox-User without the front service token (403), even with a valid bearer token', async () => {
    const spoof = await postMcp(g.url, { authorization: `Bearer ${ALICE}`, 'x-mcpbox-user': 'mallory@example.com' });
    expect(spoof.status).toBe(403);
  });
});

describe('oidc', () => {
  let jwks: Server;
  let issuer: string;
  let key: CryptoKey;
  let otherKey: CryptoKey;
  let g: OpsGateway;
  const AUDIENCE = 'mcpbox-test';

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    key = pair.privateKey;
    otherKey = (await generateKeyPair('RS256')).privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    jwks = createServer((req, res) => {
      if (req.url === '/jwks.json') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
      } else if (req.url === '/.well-known/openid-configuration') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks.json` }));
      } else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    issuer = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}`;
    // No JWKS URL configured: it is discovered from the issuer's openid-configuration.
    g = await start({ mode: 'oidc', bearerTokens: [], oidc: { issuer, audience: AUDIENCE }, remoteToolEditing: false });
  });
  afterAll(async () => {
    await new Promise((resolve) => jwks.close(resolve));
  });

  const sign = (claims: { iss?: string; aud?: string; exp?: number | string; sub?: string; email?: string }, with_: CryptoKey = key): Promise<string> => {
    const jwt = new SignJWT({ ...(claims.email === undefined ? {} : { email: claims.email }) })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuedAt()
      .setIssuer(claims.iss ?? issuer)
      .setAudience(claims.aud ?? AUDIENCE)
      .setSubject(claims.sub ?? 'user-42');
    if (claims.exp !== undefined) jwt.setExpirationTime(claims.exp);
    return jwt.sign(with_);
  };

  it('serves protected-resource metadata naming the issuer, at both well-known paths', async () => {
    for (const path of ['/.well-known/oauth-protected-resource', '/.well-known/oauth-protected-resource/mcp']) {
      const res = await fetch(`${g.origin}${path}`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { resource: string; authorization_servers: string[] };
      expect(body.authorization_servers).toEqual([issuer]);
      expect(body.resource).toBe(g.url);
    }
  });

  it('accepts a valid token, names the subject in the log and the e-mail as the user', async () => {
    const client = await connect(g.url, { authorization: `Bearer ${await sign({ exp: '5m', email: 'ada@example.com' })}` });
    try {
      const result = await client.callTool({ name: 'mcpbox_list_servers', arguments: {} });
      expect(result.isError).toBeFalsy();
    } finally {
      await client.close();
    }
    expect(g.logs.query({ tool: 'mcpbox_list_servers', limit: 1 })[0]?.caller).toBe('user-42');
  });

  it.each<[string, () => Promise<string | undefined>, RegExp]>([
    ['no token', async () => undefined, /^Bearer resource_metadata="/],
    ['an expired token', async () => sign({ exp: Math.floor(Date.now() / 1000) - 600 }), /has expired/],
    ['a token without exp', async () => sign({}), /'exp' claim is not accepted \(missing\)/],
    ['the wrong audience', async () => sign({ exp: '5m', aud: 'someone-else' }), /'aud' claim/],
    ['the wrong issuer', async () => sign({ exp: '5m', iss: 'https://evil.example' }), /'iss' claim/],
    ['a key not in the JWKS', async () => sign({ exp: '5m' }, otherKey), /signature does not verify/],
    ['not a JWT', async () => 'not-a-jwt', /not a valid JWT/],
  ])('refuses %s with 401 and a challenge pointing at the metadata', async (_what, token, reason) => {
    const t = await token();
    const res = await postMcp(g.url, t === undefined ? {} : { authorization: `Bearer ${t}` });
    expect(res.status).toBe(401);
    const challenge = res.headers.get('www-authenticate') ?? '';
    expect(challenge).toContain(`resource_metadata="${g.origin}/.well-known/oauth-protected-resource/mcp"`);
    expect(challenge).toMatch(reason);
  });
});

describe('oidc with the issuer down', () => {
  it('answers 503, not 401: the caller\'s token was never judged', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const issuer = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((resolve) => closed.close(resolve));
    const g = await start({ mode: 'oidc', bearerTokens: [], oidc: { issuer, audience: 'x' }, remoteToolEditing: false });
    const res = await postMcp(g.url, { authorization: 'Bearer a.b.c' });
    expect(res.status).toBe(503);
    expect(await res.text()).toMatch(/identity provider could not be reached/);
  });
});

describe('trusted front and remote callers', () => {
  it('believes X-MCPbox-User only with the service token, and refuses write tools to remote callers', async () => {
    const g = await start({ mode: 'none', bearerTokens: [], frontToken: FRONT, remoteToolEditing: false });
    const forged = await postMcp(g.url, { 'x-mcpbox-service-token': 'wrong-token-000000000000', 'x-mcpbox-user': 'ada@example.com' });
    expect(forged.status).toBe(403);
    const noToken = await postMcp(g.url, { 'x-mcpbox-user': 'ada@example.com' });
    expect(noToken.status).toBe(403);

    const client = await connect(g.url, { 'x-mcpbox-service-token': FRONT, 'x-mcpbox-user': 'ada@example.com' });
    try {
      const read = await client.callTool({ name: 'mcpbox_list_servers', arguments: {} });
      expect(read.isError).toBeFalsy();
      const write = await client.callTool({ name: 'mcpbox_create_server', arguments: { server_id: 'notes', description: 'Notes' } });
      expect(write.isError).toBe(true);
      expect(textOf(write)).toMatch(/does not allow for remote callers.*"ada@example.com".*MCPBOX_REMOTE_TOOL_EDITING=true/);
    } finally {
      await client.close();
    }
    const [entry] = g.logs.query({ tool: 'mcpbox_create_server', limit: 1 });
    expect(entry).toMatchObject({ caller: 'ada@example.com', success: false });

    // A local caller on the same gateway is not remote and may propose changes.
    const local = await connect(g.url, {});
    try {
      const write = await local.callTool({ name: 'mcpbox_create_server', arguments: { server_id: 'notes', description: 'Notes' } });
      expect(textOf(write)).not.toMatch(/remote callers/);
    } finally {
      await local.close();
    }
  });

  it('lets remote callers edit when MCPBOX_REMOTE_TOOL_EDITING allows it', async () => {
    const g = await start({ mode: 'none', bearerTokens: [], frontToken: FRONT, remoteToolEditing: true });
    const client = await connect(g.url, { 'x-mcpbox-service-token': FRONT, 'x-mcpbox-user': 'ada@example.com' });
    try {
      const write = await client.callTool({ name: 'mcpbox_create_server', arguments: { server_id: 'notes2', description: 'Notes' } });
      expect(textOf(write)).not.toMatch(/remote callers/);
    } finally {
      await client.close();
    }
  });

  it('counts a non-loopback peer as remote', async () => {
    const auth = new Authenticator({ mode: 'bearer', bearerTokens: [{ name: 'ci', token: CI }], remoteToolEditing: false });
    const base = { authorization: `Bearer ${CI}`, frontToken: undefined, frontUser: undefined, resourceMetadataUrl: 'http://x/.well-known/oauth-protected-resource/mcp' };
    expect(await auth.authenticate({ ...base, peerAddress: '10.1.2.3' })).toMatchObject({ ok: true, identity: { name: 'ci', remote: true } });
    expect(await auth.authenticate({ ...base, peerAddress: '::ffff:127.0.0.1' })).toMatchObject({ ok: true, identity: { remote: false } });
  });
});

describe('start-up', () => {
  it('refuses auth none on a non-loopback bind with one clear line', async () => {
    const result = await runCli(['up'], { MCPBOX_HOST: '0.0.0.0', MCPBOX_DATA_DIR: '/nonexistent/never-created', LOG_LEVEL: 'silent' });
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/MCPBOX_AUTH: "none" is only allowed on a loopback bind/);
  });

  it('refuses bearer mode without tokens, and short tokens, naming the variable', async () => {
    const none = await runCli(['up'], { MCPBOX_AUTH: 'bearer', MCPBOX_DATA_DIR: '/nonexistent/never-created' });
    expect(none.stderr).toMatch(/^mcpbox: MCPBOX_BEARER_TOKENS: MCPBOX_AUTH=bearer needs at least one token/);
    const short = await runCli(['up'], { MCPBOX_AUTH: 'bearer', MCPBOX_BEARER_TOKENS: 'ci:short', MCPBOX_DATA_DIR: '/nonexistent/never-created' });
    expect(short.stderr).toMatch(/MCPBOX_BEARER_TOKENS: entry 1 \("ci"\) has a token shorter than 16/);
    expect(short.stderr).not.toContain('short\n');
  });

  it('refuses a malformed MCPBOX_ENCRYPTION_KEY before anything starts', async () => {
    const bad = await runCli(['up'], { MCPBOX_ENCRYPTION_KEY: 'abc', MCPBOX_DATA_DIR: '/nonexistent/never-created' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^mcpbox: MCPBOX_ENCRYPTION_KEY: expected 64 hex characters/);
  });
});
