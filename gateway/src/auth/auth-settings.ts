// The auth part of the configuration (MCPBOX_AUTH and friends), validated with zod at start so a bad
// value stops start-up with one line naming the variable. Token values never appear in a message.
import { readFileSync } from 'node:fs';
import * as z from 'zod';
import { ConfigError } from '../config/config-error.ts';
import type { AuthMode, Environment } from '../config/environment.ts';
import { loadFrontSettings, type FrontAllowList } from './front-settings.ts';

export interface NamedToken {
  name: string;
  token: string;
}

export interface OidcSettings {
  issuer: string;
  audience: string;
  /** JWKS URL; when unset it is discovered from the issuer's openid-configuration on first use. */
  jwksUrl?: string;
}

export interface AuthSettings {
  mode: AuthMode;
  bearerTokens: NamedToken[];
  oidc?: OidcSettings;
  /** Service token of a trusted front (e.g. a Cloudflare Worker) allowed to pass X-MCPbox-User. */
  frontToken?: string;
  /** The front's previous service token, accepted too while it is rotated (see auth/front-settings.ts). */
  frontTokenPrevious?: string;
  /** Users the front may vouch for; unset: whoever it names. */
  frontAllowedUsers?: FrontAllowList;
  /** Whether callers that are remote may use the tools that propose or run unreviewed changes. */
  remoteToolEditing: boolean;
  /** Public URL of /mcp for protected-resource metadata; derived from the request when unset. */
  publicUrl?: string;
}

const MIN_TOKEN_LENGTH = 16;
const TOKEN_NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

const url = (what: string) => z.url({ error: `expected an absolute ${what} URL` });

/** Parses `name:token` pairs separated by commas or newlines (the file form allows comments). */
function parseNamedTokens(text: string, variable: string): NamedToken[] {
  const tokens: NamedToken[] = [];
  const items = text.split(/[,\n]/).map((s) => s.trim()).filter((s) => s !== '' && !s.startsWith('#'));
  for (const [index, item] of items.entries()) {
    const colon = item.indexOf(':');
    const name = colon < 0 ? '' : item.slice(0, colon).trim();
    const token = colon < 0 ? '' : item.slice(colon + 1).trim();
    const where = `entry ${index + 1}`;
    if (!TOKEN_NAME.test(name)) throw new ConfigError(variable, `${where} must be name:token with a name of letters, digits, . _ @ - (the name is what logs and commits show)`);
    if (token.length < MIN_TOKEN_LENGTH) throw new ConfigError(variable, `${where} ("${name}") has a token shorter than ${MIN_TOKEN_LENGTH} characters; generate one with \`openssl rand -hex 32\``);
    if (tokens.some((t) => t.name === name)) throw new ConfigError(variable, `${where}: the name "${name}" is used twice; each token needs its own name`);
    tokens.push({ name, token });
  }
  return tokens;
}

const flag = (value: string | undefined, variable: string): boolean => {
  if (value === undefined || value.trim() === '') return false;
  const v = value.trim().toLowerCase();
  if (['1', 'true', 'yes', 'enabled'].includes(v)) return true;
  if (['0', 'false', 'no', 'disabled'].includes(v)) return false;
  throw new ConfigError(variable, `expected true or false, got ${JSON.stringify(value)}`);
};

function optional(env: Environment, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

function parseUrl(env: Environment, name: string, what: string): string | undefined {
  const raw = optional(env, name);
  if (raw === undefined) return undefined;
  const result = url(what).safeParse(raw);
  if (!result.success) throw new ConfigError(name, `${result.error.issues[0]?.message ?? 'invalid URL'}, got ${JSON.stringify(raw)}`);
  return raw;
}

export function loadAuthSettings(mode: AuthMode, env: Environment): AuthSettings {
  const settings: AuthSettings = { mode, bearerTokens: [], remoteToolEditing: flag(env.MCPBOX_REMOTE_TOOL_EDITING, 'MCPBOX_REMOTE_TOOL_EDITING') };
  const publicUrl = parseUrl(env, 'MCPBOX_PUBLIC_URL', 'MCP endpoint');
  if (publicUrl !== undefined) settings.publicUrl = publicUrl;
  const front = loadFrontSettings(env);
  if (front !== undefined) Object.assign(settings, front);
  if (mode === 'bearer') {
    const inline = optional(env, 'MCPBOX_BEARER_TOKENS');
    const file = optional(env, 'MCPBOX_BEARER_TOKENS_FILE');
    if (inline !== undefined) settings.bearerTokens.push(...parseNamedTokens(inline, 'MCPBOX_BEARER_TOKENS'));
    if (file !== undefined) {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (err) {
        throw new ConfigError('MCPBOX_BEARER_TOKENS_FILE', `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
      for (const t of parseNamedTokens(text, 'MCPBOX_BEARER_TOKENS_FILE')) {
        if (settings.bearerTokens.some((o) => o.name === t.name)) throw new ConfigError('MCPBOX_BEARER_TOKENS_FILE', `the name "${t.name}" is also in MCPBOX_BEARER_TOKENS`);
        settings.bearerTokens.push(t);
      }
    }
    if (settings.bearerTokens.length === 0) {
      throw new ConfigError('MCPBOX_BEARER_TOKENS', 'MCPBOX_AUTH=bearer needs at least one token: MCPBOX_BEARER_TOKENS=name:token[,name2:token2] or MCPBOX_BEARER_TOKENS_FILE');
    }
  }
  if (mode === 'oidc') {
    const issuer = parseUrl(env, 'MCPBOX_OIDC_ISSUER', 'issuer');
    if (issuer === undefined) throw new ConfigError('MCPBOX_OIDC_ISSUER', 'MCPBOX_AUTH=oidc needs the issuer URL, e.g. https://login.example.com/realms/main');
    const audience = optional(env, 'MCPBOX_OIDC_AUDIENCE');
    if (audience === undefined) throw new ConfigError('MCPBOX_OIDC_AUDIENCE', 'MCPBOX_AUTH=oidc needs the audience tokens must carry (usually this gateway\'s client id or public URL)');
    const jwksUrl = parseUrl(env, 'MCPBOX_OIDC_JWKS_URL', 'JWKS');
    settings.oidc = { issuer, audience, ...(jwksUrl === undefined ? {} : { jwksUrl }) };
  }
  return settings;
}
