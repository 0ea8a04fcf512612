// The Worker's configuration: wrangler.toml [vars] plus the secrets set with `wrangler secret put`,
// validated with zod on every isolate's first request so a missing or malformed value is named in
// one line instead of failing somewhere inside the OAuth flow.
import * as z from 'zod';
import type { OAuthHelpers } from '@cloudflare/workers-oauth-provider';
import { parseRedirectAllowList, type RedirectAllowList } from './redirect-allow-list.ts';
import { parseUserAllowList, type UserAllowList } from './user-allow-list.ts';
import { WorkerConfigError } from './worker-config-error.ts';

/** What wrangler binds: KV, the optional gateway binding, [vars] and secrets (all strings). */
export interface WorkerEnv {
  OAUTH_KV: KVNamespace;
  /** Injected by OAuthProvider for the /authorize and /callback handlers. */
  OAUTH_PROVIDER: OAuthHelpers;
  /** A service or Workers VPC binding to the gateway; without it GATEWAY_URL is fetched directly. */
  GATEWAY?: Fetcher;
  [variable: string]: unknown;
}

export interface WorkerConfig {
  /** Origin clients connect to (https://mcp.example.com): the issuer; the MCP endpoint is <origin>/mcp. */
  publicOrigin: string;
  resource: string;
  gatewayUrl: string;
  serviceToken: string;
  upstream: { issuer: string; clientId: string; clientSecret?: string; scopes: string[]; groupsClaim: string };
  users: UserAllowList;
  redirects: RedirectAllowList;
  /** Gateway path prefixes passed through as they are (no service token): the gateway's own auth applies. */
  passThroughPaths: string[];
  accessTokenTtlSeconds: number;
}

const MIN_SERVICE_TOKEN_LENGTH = 32;

const text = z.string().trim();
const commaList = (value: string | undefined) => (value ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');

function originOf(variable: string, raw: unknown): string {
  const parsed = z.url({ protocol: /^https?$/ }).safeParse(typeof raw === 'string' ? raw.trim() : raw);
  if (!parsed.success) throw new WorkerConfigError(variable, `expected an absolute https URL (http only on loopback), got ${JSON.stringify(raw ?? null)}`);
  const url = new URL(parsed.data);
  const loopback = url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]';
  if (url.protocol === 'http:' && !loopback) throw new WorkerConfigError(variable, `must use https (plain http is accepted only on loopback for local testing), got ${JSON.stringify(raw)}`);
  return url.origin + url.pathname.replace(/\/+$/, '');
}

function required(env: WorkerEnv, variable: string, how: string): string {
  const value = env[variable];
  const parsed = text.min(1).safeParse(value);
  if (!parsed.success) throw new WorkerConfigError(variable, `not set; ${how}`);
  return parsed.data;
}

function optional(env: WorkerEnv, variable: string): string | undefined {
  const value = env[variable];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

export function loadWorkerConfig(env: WorkerEnv): WorkerConfig {
  const publicOrigin = new URL(originOf('PUBLIC_URL', required(env, 'PUBLIC_URL', 'set it in wrangler.toml [vars] to the https origin clients use, e.g. https://mcp.example.com'))).origin;
  const gatewayUrl = originOf('GATEWAY_URL', required(env, 'GATEWAY_URL', 'set it in wrangler.toml [vars] to the gateway origin (the tunnel hostname, or the origin a Workers VPC binding answers)'));
  const serviceToken = required(env, 'GATEWAY_SERVICE_TOKEN', 'run `wrangler secret put GATEWAY_SERVICE_TOKEN` with the gateway\'s MCPBOX_FRONT_TOKEN');
  if (serviceToken.length < MIN_SERVICE_TOKEN_LENGTH) throw new WorkerConfigError('GATEWAY_SERVICE_TOKEN', `shorter than ${MIN_SERVICE_TOKEN_LENGTH} characters; generate it with \`mcpbox remote setup\` or \`openssl rand -hex 32\``);
  const issuer = originOf('UPSTREAM_OIDC_ISSUER', required(env, 'UPSTREAM_OIDC_ISSUER', 'set it in wrangler.toml [vars] to your identity provider\'s issuer URL'));
  const clientId = required(env, 'UPSTREAM_OIDC_CLIENT_ID', 'set it in wrangler.toml [vars] to the client id of the OIDC application you created for this Worker');
  const clientSecret = optional(env, 'UPSTREAM_OIDC_CLIENT_SECRET');
  const users = parseUserAllowList(optional(env, 'ALLOWED_USERS'), optional(env, 'ALLOWED_GROUPS'));
  const ttl = optional(env, 'ACCESS_TOKEN_TTL_SECONDS');
  const accessTokenTtlSeconds = ttl === undefined ? 3600 : Number(ttl);
  if (!Number.isInteger(accessTokenTtlSeconds) || accessTokenTtlSeconds < 60 || accessTokenTtlSeconds > 86_400) {
    throw new WorkerConfigError('ACCESS_TOKEN_TTL_SECONDS', `expected whole seconds between 60 and 86400, got ${JSON.stringify(ttl)}`);
  }
  const passThroughPaths = commaList(optional(env, 'PASS_THROUGH_PATHS'));
  for (const path of passThroughPaths) {
    if (!path.startsWith('/') || path === '/' || path.startsWith('/mcp') || path.startsWith('/authorize') || path.startsWith('/callback') || path.startsWith('/oauth') || path.startsWith('/.well-known')) {
      throw new WorkerConfigError('PASS_THROUGH_PATHS', `${JSON.stringify(path)} is not a gateway path prefix this front may pass through (e.g. /webhooks/); /, /mcp and the OAuth paths are the Worker's own`);
    }
  }
  return {
    publicOrigin,
    resource: `${publicOrigin}/mcp`,
    gatewayUrl,
    serviceToken,
    upstream: {
      issuer,
      clientId,
      ...(clientSecret === undefined ? {} : { clientSecret }),
      scopes: ['openid', 'email', 'profile', ...commaList(optional(env, 'UPSTREAM_OIDC_EXTRA_SCOPES'))],
      groupsClaim: optional(env, 'UPSTREAM_OIDC_GROUPS_CLAIM') ?? 'groups',
    },
    users,
    redirects: parseRedirectAllowList(optional(env, 'REDIRECT_URIS')),
    passThroughPaths,
    accessTokenTtlSeconds,
  };
}
