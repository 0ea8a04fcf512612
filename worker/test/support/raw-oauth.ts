// The OAuth steps by hand, for the refusal tests: each request is one a misbehaving or hostile
// client could send, so the test sees the exact status and message the Worker answers.
import { createHash, randomBytes } from 'node:crypto';
import type { FrontFixture } from './front-fixture.ts';
import { approveConsent, HeadlessBrowser, openConsent } from './headless-browser.ts';
import { CLIENT_REDIRECT } from './oauth-client.ts';

export interface Pkce {
  verifier: string;
  challenge: string;
}

export function pkce(): Pkce {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export async function registerClient(fx: FrontFixture, redirectUris: string[] = [CLIENT_REDIRECT]): Promise<Response> {
  return fetch(`${fx.origin}/oauth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client_name: 'refusal test', redirect_uris: redirectUris, grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'none' }),
  });
}

export async function registeredClientId(fx: FrontFixture): Promise<string> {
  const response = await registerClient(fx);
  if (response.status !== 201) throw new Error(`registration answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { client_id: string }).client_id;
}

export function authorizeUrl(fx: FrontFixture, clientId: string, params: { challenge?: string; method?: string; resource?: string; redirectUri?: string; state?: string } = {}): string {
  const url = new URL(`${fx.origin}/authorize`);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', clientId);
  url.searchParams.set('redirect_uri', params.redirectUri ?? CLIENT_REDIRECT);
  url.searchParams.set('scope', 'mcp');
  url.searchParams.set('state', params.state ?? randomBytes(8).toString('hex'));
  url.searchParams.set('resource', params.resource ?? fx.mcpUrl);
  if (params.challenge !== undefined) url.searchParams.set('code_challenge', params.challenge);
  if (params.method !== undefined) url.searchParams.set('code_challenge_method', params.method);
  return url.toString();
}

export interface SignedInSteps {
  /** The Worker's /callback URL the identity provider sent the browser to. */
  callbackUrl: string;
  /** What the Worker answered there. */
  callback: Response;
}

/** Consent and upstream login; returns the Worker's answer at /callback. */
export async function throughLogin(browser: HeadlessBrowser, url: string): Promise<SignedInSteps> {
  const form = await openConsent(browser, url);
  const upstream = await approveConsent(browser, form);
  const callbackUrl = await browser.redirectFrom(upstream);
  return { callbackUrl, callback: await browser.request(callbackUrl) };
}

/** The whole flow for one user; returns the client's code. */
export async function authorizationCode(fx: FrontFixture, clientId: string, pair: Pkce, params: { resource?: string } = {}): Promise<string> {
  const { callback } = await throughLogin(new HeadlessBrowser(), authorizeUrl(fx, clientId, { challenge: pair.challenge, method: 'S256', ...params }));
  if (callback.status !== 302) throw new Error(`the callback answered ${callback.status}: ${await callback.text()}`);
  const code = new URL(callback.headers.get('location')!).searchParams.get('code');
  if (code === null) throw new Error(`no code in ${callback.headers.get('location')}`);
  return code;
}

export function exchangeCode(fx: FrontFixture, clientId: string, code: string, verifier: string, params: { resource?: string } = {}): Promise<Response> {
  return fetch(`${fx.origin}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: CLIENT_REDIRECT, client_id: clientId, code_verifier: verifier, resource: params.resource ?? fx.mcpUrl }),
  });
}

export interface Tokens {
  access_token: string;
  refresh_token: string;
  clientId: string;
}

export async function obtainTokens(fx: FrontFixture): Promise<Tokens> {
  const clientId = await registeredClientId(fx);
  const pair = pkce();
  const code = await authorizationCode(fx, clientId, pair);
  const response = await exchangeCode(fx, clientId, code, pair.verifier);
  if (response.status !== 200) throw new Error(`the token endpoint answered ${response.status}: ${await response.text()}`);
  return { ...((await response.json()) as { access_token: string; refresh_token: string }), clientId };
}

/** One JSON-RPC request to an MCP endpoint in the 2026-07-28 era (no session needed). */
export function mcpPost(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2026-07-28', ...headers },
    body: JSON.stringify(body),
  });
}

const META = { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {}, 'io.modelcontextprotocol/clientInfo': { name: 'refusal-test', version: '1' } };

export function toolsList(id = 1): unknown {
  return { jsonrpc: '2.0', id, method: 'tools/list', params: { _meta: META } };
}

export function toolsCall(name: string, args: Record<string, unknown>, id = 2): unknown {
  return { jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args, _meta: META } };
}
