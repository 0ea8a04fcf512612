// The user's identity provider (Cloudflare Access for SaaS, Authelia, Authentik, Keycloak, Pocket ID…):
// authorization code + PKCE to it, then the id_token checked with jose for issuer, audience, JWKS
// signature, expiry and the nonce this front chose. Nothing of the upstream's tokens is kept.
import * as z from 'zod';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import type { WorkerConfig } from './worker-config.ts';

export type UpstreamFailureKind = 'discovery' | 'token_exchange' | 'id_token';

/** The identity provider misbehaved or sent something this front will not accept. */
export class UpstreamLoginError extends Error {
  readonly kind: UpstreamFailureKind;
  readonly detail: string;
  constructor(kind: UpstreamFailureKind, detail: string) {
    super(`${kind}: ${detail}`);
    this.name = 'UpstreamLoginError';
    this.kind = kind;
    this.detail = detail;
  }
}

const Discovery = z.object({
  issuer: z.string(),
  authorization_endpoint: z.url(),
  token_endpoint: z.url(),
  jwks_uri: z.url(),
});
type Discovery = z.infer<typeof Discovery>;

const TokenResponse = z.object({ id_token: z.string().min(1) });

export interface UpstreamIdentity {
  subject: string;
  email?: string;
  emailVerified: boolean;
  groups: string[];
}

// Per isolate: discovery and the key set are fetched once, jose refreshes keys on an unknown `kid`.
const discoveries = new Map<string, Promise<Discovery>>();
const keySets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

async function discover(issuer: string): Promise<Discovery> {
  let pending = discoveries.get(issuer);
  if (pending === undefined) {
    pending = (async () => {
      const url = `${issuer}/.well-known/openid-configuration`;
      let response: Response;
      try {
        response = await fetch(url, { headers: { accept: 'application/json' } });
      } catch (err) {
        throw new UpstreamLoginError('discovery', `${url} could not be fetched: ${(err as Error).message}`);
      }
      if (!response.ok) throw new UpstreamLoginError('discovery', `${url} answered HTTP ${response.status}`);
      const parsed = Discovery.safeParse(await response.json().catch(() => null));
      if (!parsed.success) throw new UpstreamLoginError('discovery', `${url} is not OpenID provider metadata (needs authorization_endpoint, token_endpoint, jwks_uri)`);
      if (parsed.data.issuer !== issuer) throw new UpstreamLoginError('discovery', `${url} names issuer ${JSON.stringify(parsed.data.issuer)}, but UPSTREAM_OIDC_ISSUER is ${JSON.stringify(issuer)}`);
      return parsed.data;
    })();
    discoveries.set(issuer, pending);
    pending.catch(() => discoveries.delete(issuer));
  }
  return pending;
}

function base64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function randomToken(): string {
  return base64Url(crypto.getRandomValues(new Uint8Array(32)));
}

async function s256(verifier: string): Promise<string> {
  return base64Url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
}

function callbackUrl(config: WorkerConfig): string {
  return `${config.publicOrigin}/callback`;
}

export async function upstreamAuthorizeUrl(config: WorkerConfig, params: { state: string; nonce: string; verifier: string }): Promise<string> {
  const { authorization_endpoint } = await discover(config.upstream.issuer);
  const url = new URL(authorization_endpoint);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', config.upstream.clientId);
  url.searchParams.set('redirect_uri', callbackUrl(config));
  url.searchParams.set('scope', config.upstream.scopes.join(' '));
  url.searchParams.set('state', params.state);
  url.searchParams.set('nonce', params.nonce);
  url.searchParams.set('code_challenge', await s256(params.verifier));
  url.searchParams.set('code_challenge_method', 'S256');
  return url.toString();
}

/** Exchanges the upstream's code and returns who signed in, from a verified id_token. */
export async function finishUpstreamLogin(config: WorkerConfig, code: string, expected: { nonce: string; verifier: string }): Promise<UpstreamIdentity> {
  const discovery = await discover(config.upstream.issuer);
  const body = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: callbackUrl(config), code_verifier: expected.verifier, client_id: config.upstream.clientId });
  if (config.upstream.clientSecret !== undefined) body.set('client_secret', config.upstream.clientSecret);
  let response: Response;
  try {
    response = await fetch(discovery.token_endpoint, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body });
  } catch (err) {
    throw new UpstreamLoginError('token_exchange', `${discovery.token_endpoint} could not be reached: ${(err as Error).message}`);
  }
  const json: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const error = z.object({ error: z.string(), error_description: z.string().optional() }).safeParse(json);
    throw new UpstreamLoginError('token_exchange', `the identity provider refused the code (HTTP ${response.status}${error.success ? `: ${error.data.error}${error.data.error_description ? ` — ${error.data.error_description}` : ''}` : ''})`);
  }
  const tokens = TokenResponse.safeParse(json);
  if (!tokens.success) throw new UpstreamLoginError('token_exchange', 'the token response has no id_token (is "openid" among the scopes of the OIDC application?)');

  let keys = keySets.get(discovery.jwks_uri);
  if (keys === undefined) {
    keys = createRemoteJWKSet(new URL(discovery.jwks_uri));
    keySets.set(discovery.jwks_uri, keys);
  }
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(tokens.data.id_token, keys, { issuer: config.upstream.issuer, audience: config.upstream.clientId, requiredClaims: ['sub', 'exp', 'iat'] }));
  } catch (err) {
    const reason = err instanceof joseErrors.JWTExpired ? 'it has expired'
      : err instanceof joseErrors.JWTClaimValidationFailed ? `claim "${err.claim}" is wrong (${err.reason})`
      : err instanceof joseErrors.JWSSignatureVerificationFailed || err instanceof joseErrors.JWKSNoMatchingKey ? 'its signature does not match the provider\'s published keys'
      : (err as Error).message;
    throw new UpstreamLoginError('id_token', `the id_token was refused: ${reason}`);
  }
  if (payload.nonce !== expected.nonce) throw new UpstreamLoginError('id_token', 'the id_token was refused: its nonce is not the one this sign-in sent (a replayed or foreign token)');
  const email = typeof payload.email === 'string' && payload.email !== '' ? payload.email : undefined;
  const rawGroups = payload[config.upstream.groupsClaim];
  const groups = Array.isArray(rawGroups) ? rawGroups.filter((g): g is string => typeof g === 'string') : [];
  return {
    subject: String(payload.sub),
    ...(email === undefined ? {} : { email }),
    emailVerified: payload.email_verified === true,
    groups,
  };
}
