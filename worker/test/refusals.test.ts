// Every refusal of the remote path, against the real Worker in workerd and the real gateway behind
// it: each asserts the exact status and the message a person (or a client) can act on.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { startFront, type FrontFixture } from './support/front-fixture.ts';
import { HeadlessBrowser } from './support/headless-browser.ts';
import { CLIENT_REDIRECT } from './support/oauth-client.ts';
import { authorizationCode, authorizeUrl, exchangeCode, mcpPost, obtainTokens, pkce, registerClient, registeredClientId, throughLogin, toolsCall, toolsList } from './support/raw-oauth.ts';

/** The part of the KV binding the expiry test uses (miniflare's own typings do not resolve here). */
interface StoredKv {
  list(options: { prefix: string }): Promise<{ keys: Array<{ name: string }> }>;
  get(key: string, type: 'json'): Promise<unknown>;
  put(key: string, value: string): Promise<void>;
}

const PREVIOUS_FRONT_TOKEN = randomBytes(32).toString('hex');

let fx: FrontFixture;
// The Worker still sends the previous service token: a rotation in progress, which must not break anything.
beforeAll(async () => {
  fx = await startFront({
    allowedUsers: 'alice@example.com,@team.example.com',
    gatewayAllowedUsers: 'alice@example.com,carol@example.org',
    gatewayEnv: { MCPBOX_FRONT_TOKEN_PREVIOUS: PREVIOUS_FRONT_TOKEN },
    workerServiceToken: PREVIOUS_FRONT_TOKEN,
  });
}, 300_000);
afterAll(async () => {
  await fx?.close();
});

function alice(): void {
  fx.idp.user = { sub: 'user-1', email: 'alice@example.com', email_verified: true };
}

async function jsonRpcError(response: Response): Promise<{ code: number; message: string }> {
  return ((await response.json()) as { error: { code: number; message: string } }).error;
}

async function listWith(token: string): Promise<string[]> {
  const client = new Client({ name: 'static-token', version: '1' }, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
  await client.connect(new StreamableHTTPClientTransport(new URL(fx.mcpUrl), { authProvider: { token: async () => token } }));
  try {
    return (await client.listTools()).tools.map((t) => t.name);
  } finally {
    await client.close();
  }
}

describe('tokens', () => {
  it('no token: 401 with the challenge that points at the protected-resource metadata', async () => {
    const response = await mcpPost(fx.mcpUrl, toolsList());
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(`Bearer realm="OAuth", resource_metadata="${fx.origin}/.well-known/oauth-protected-resource/mcp"`);
    expect(await response.text()).toBe(''); // the challenge is the message: clients follow it to authorize
    const metadata = (await (await fetch(`${fx.origin}/.well-known/oauth-protected-resource/mcp`)).json()) as { resource: string; authorization_servers: string[] };
    expect(metadata).toMatchObject({ resource: fx.mcpUrl, authorization_servers: [fx.origin] });
  });

  it('an expired token: 401 invalid_token', async () => {
    alice();
    const tokens = await obtainTokens(fx);
    expect(await listWith(tokens.access_token)).toContain('mcpbox_get_server');
    // Age the stored token as time would: its record's expiry moves into the past.
    const kv = (await fx.miniflare.getKVNamespace('OAUTH_KV')) as unknown as StoredKv;
    const [userId, grantId] = tokens.access_token.split(':');
    const { keys } = await kv.list({ prefix: `token:${userId}:${grantId}:` });
    expect(keys.length).toBeGreaterThan(0);
    for (const { name } of keys) {
      const record = (await kv.get(name, 'json')) as { expiresAt: number };
      await kv.put(name, JSON.stringify({ ...record, expiresAt: Math.floor(Date.now() / 1000) - 10 }));
    }
    const response = await mcpPost(fx.mcpUrl, toolsList(), { authorization: `Bearer ${tokens.access_token}` });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(`Bearer realm="OAuth", resource_metadata="${fx.origin}/.well-known/oauth-protected-resource/mcp", error="invalid_token"`);
    expect(await response.json()).toEqual({ error: 'invalid_token', error_description: 'Access token expired' });
  });

  it('a revoked token: 401 invalid_token', async () => {
    alice();
    const tokens = await obtainTokens(fx);
    const revoke = await fetch(`${fx.origin}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token: tokens.access_token, client_id: tokens.clientId }) });
    expect(revoke.status).toBe(200);
    const response = await mcpPost(fx.mcpUrl, toolsList(), { authorization: `Bearer ${tokens.access_token}` });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(`Bearer realm="OAuth", resource_metadata="${fx.origin}/.well-known/oauth-protected-resource/mcp", error="invalid_token"`);
    expect(await response.json()).toEqual({ error: 'invalid_token', error_description: 'Invalid access token' });
  });

  it('a token for another resource: refused at authorize and at the token endpoint (invalid_target)', async () => {
    alice();
    const clientId = await registeredClientId(fx);
    const pair = pkce();
    const other = 'http://127.0.0.1:1/mcp';
    const page = await new HeadlessBrowser().request(authorizeUrl(fx, clientId, { challenge: pair.challenge, method: 'S256', resource: other }));
    expect(page.status).toBe(302);
    const back = new URL(page.headers.get('location')!);
    expect(back.searchParams.get('error')).toBe('invalid_target');

    const code = await authorizationCode(fx, clientId, pair);
    const exchange = await exchangeCode(fx, clientId, code, pair.verifier, { resource: other });
    expect(exchange.status).toBe(400);
    expect(((await exchange.json()) as { error: string }).error).toBe('invalid_target');
  });

  it('a reused authorization code: 400 invalid_grant', async () => {
    alice();
    const clientId = await registeredClientId(fx);
    const pair = pkce();
    const code = await authorizationCode(fx, clientId, pair);
    expect((await exchangeCode(fx, clientId, code, pair.verifier)).status).toBe(200);
    const again = await exchangeCode(fx, clientId, code, pair.verifier);
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({ error: 'invalid_grant' });
  });
});

describe('authorization requests', () => {
  it('a redirect URI not on the list: refused at registration and at authorize', async () => {
    const registration = await registerClient(fx, ['https://evil.example/callback']);
    expect(registration.status).toBe(400);
    expect(await registration.json()).toEqual({ error: 'invalid_redirect_uri', error_description: "redirect URI not on this front's allow-list: https://evil.example/callback; the admin adds it to REDIRECT_URIS" });

    // A metadata document may name any https redirect; the allow-list still applies at authorize.
    const documentUrl = 'https://clients.test/evil.json';
    fx.metadataDocuments.set('/evil.json', { client_id: documentUrl, client_name: 'Evil', redirect_uris: ['https://evil.example/callback'], grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'none' });
    const pair = pkce();
    const page = await new HeadlessBrowser().request(authorizeUrl(fx, documentUrl, { challenge: pair.challenge, method: 'S256', redirectUri: 'https://evil.example/callback' }));
    expect(page.status).toBe(400);
    expect(await page.text()).toContain('<p id="reason">This front does not send access to https://evil.example/callback. If this is your client, add its redirect URI to REDIRECT_URIS in the Worker&#39;s wrangler.toml and deploy again.</p>');
  });

  it('plain PKCE or none: sent back to the client with invalid_request', async () => {
    const clientId = await registeredClientId(fx);
    const plain = await new HeadlessBrowser().request(authorizeUrl(fx, clientId, { challenge: 'a'.repeat(43), method: 'plain' }));
    expect(plain.status).toBe(302);
    const plainBack = new URL(plain.headers.get('location')!);
    expect(plainBack.origin + plainBack.pathname).toBe(CLIENT_REDIRECT);
    expect(plainBack.searchParams.get('error')).toBe('invalid_request');
    expect(plainBack.searchParams.get('error_description')).toBe('The plain PKCE method is not allowed. Use S256 instead.');

    const none = await new HeadlessBrowser().request(authorizeUrl(fx, clientId));
    expect(none.status).toBe(302);
    const noneBack = new URL(none.headers.get('location')!);
    expect(noneBack.searchParams.get('error')).toBe('invalid_request');
    expect(noneBack.searchParams.get('error_description')).toBe('Public clients must use PKCE with the authorization code flow.');
  });

  it('a replayed state at the callback: 400, start again', async () => {
    alice();
    const clientId = await registeredClientId(fx);
    const pair = pkce();
    const browser = new HeadlessBrowser();
    const { callbackUrl, callback } = await throughLogin(browser, authorizeUrl(fx, clientId, { challenge: pair.challenge, method: 'S256' }));
    expect(callback.status).toBe(302);
    const replay = await browser.request(callbackUrl);
    expect(replay.status).toBe(400);
    expect(await replay.text()).toMatch(/<h1>This sign-in request cannot be used<\/h1>\n<p id="reason">[^<]+ \(invalid_request\)\. Start connecting from your app again\.<\/p>/);
  });
});

describe('users', () => {
  it('a user not on the allow-list: 403 at the callback, naming who and what to do', async () => {
    fx.idp.user = { sub: 'user-9', email: 'mallory@other.example', email_verified: true };
    const clientId = await registeredClientId(fx);
    const pair = pkce();
    const { callback } = await throughLogin(new HeadlessBrowser(), authorizeUrl(fx, clientId, { challenge: pair.challenge, method: 'S256' }));
    expect(callback.status).toBe(403);
    expect(await callback.text()).toContain('<p id="reason">mallory@other.example may not use this mcpbox. Ask its admin to add you to ALLOWED_USERS or ALLOWED_GROUPS.</p>');
  });

  it('an unverified e-mail (allowed by group) lists tools but may not call one: 403 from the Worker', async () => {
    fx.idp.user = { sub: 'user-3', email: 'carol@example.org', email_verified: false, groups: ['mcp-users'] };
    const tokens = await obtainTokens(fx);
    expect(await listWith(tokens.access_token)).toContain('mcpbox_get_server');
    const call = await mcpPost(fx.mcpUrl, toolsCall('mcpbox_get_server', { server_id: 'examples' }, 7), { authorization: `Bearer ${tokens.access_token}` });
    expect(call.status).toBe(403);
    expect(await call.json()).toEqual({ jsonrpc: '2.0', id: 7, error: { code: -32001, message: 'Calling tools needs a verified e-mail address, and your identity provider has not verified carol@example.org. Listing works; verify your e-mail there and connect again.' } });
  });

  it('a user the Worker allows but the gateway does not: 403 from the gateway (defence in depth)', async () => {
    fx.idp.user = { sub: 'user-4', email: 'dave@team.example.com', email_verified: true };
    const tokens = await obtainTokens(fx);
    const response = await mcpPost(fx.mcpUrl, toolsList(), { authorization: `Bearer ${tokens.access_token}` });
    expect(response.status).toBe(403);
    expect(await jsonRpcError(response)).toEqual({ code: -32001, message: 'The front vouched for "dave@team.example.com", who is not on this gateway\'s MCPBOX_FRONT_ALLOWED_USERS; the admin adds them there (and to the front\'s ALLOWED_USERS).' });
  });
});

describe('the service token', () => {
  it('a client-supplied X-MCPbox-User or X-MCPbox-Service-Token: 400 from the Worker', async () => {
    alice();
    const tokens = await obtainTokens(fx);
    for (const header of ['x-mcpbox-user', 'x-mcpbox-service-token']) {
      const response = await mcpPost(fx.mcpUrl, toolsList(), { authorization: `Bearer ${tokens.access_token}`, [header]: 'admin@example.com' });
      expect(response.status).toBe(400);
      expect(await jsonRpcError(response)).toEqual({ code: -32600, message: 'X-MCPbox-User and X-MCPbox-Service-Token are set by this front, never by a client: remove them from the request.' });
    }
  });

  it('the gateway reached without the service token, or with a wrong one: 403', async () => {
    const expected = { code: -32001, message: 'X-MCPbox-User and X-MCPbox-Service-Token are accepted only from the trusted front with its service token (MCPBOX_FRONT_TOKEN).' };
    const without = await mcpPost(fx.gatewayMcpUrl, toolsList(), { 'x-mcpbox-user': 'alice@example.com' });
    expect(without.status).toBe(403);
    expect(await jsonRpcError(without)).toEqual(expected);
    const wrong = await mcpPost(fx.gatewayMcpUrl, toolsList(), { 'x-mcpbox-user': 'alice@example.com', 'x-mcpbox-service-token': randomBytes(32).toString('hex') });
    expect(wrong.status).toBe(403);
    expect(await jsonRpcError(wrong)).toEqual(expected);
  });

  it('during a rotation both the new and the previous token are accepted', async () => {
    // The Worker of this fixture sends the previous token; a direct request uses the new one.
    alice();
    const tokens = await obtainTokens(fx);
    expect(await listWith(tokens.access_token)).toContain('mcpbox_get_server');
    const direct = new Client({ name: 'new-token', version: '1' }, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
    await direct.connect(new StreamableHTTPClientTransport(new URL(fx.gatewayMcpUrl), { requestInit: { headers: { 'x-mcpbox-service-token': fx.serviceToken, 'x-mcpbox-user': 'alice@example.com' } } }));
    try {
      expect((await direct.listTools()).tools.map((t) => t.name)).toContain('mcpbox_get_server');
    } finally {
      await direct.close();
    }
  });
});
