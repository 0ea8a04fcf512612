// Gateway configuration, read once from the environment at start and validated with zod. Every
// problem becomes a ConfigError with one clear line; nothing half-configured ever starts.
import { isAbsolute, resolve } from 'node:path';
import * as z from 'zod';
import { SITE_DIST_DIR } from '@mcpbox/site/build';
import { loadAuthSettings, type AuthSettings } from '../auth/auth-settings.ts';
import { isLoopbackAddress } from '../auth/authenticator.ts';
import { ConfigError } from './config-error.ts';
import { loadOperationLimits, type OperationLimits } from './operation-limits.ts';
import { loadRemoteForgeSettings, loadWebhookSecret, type RemoteForgeSettings } from './remote-forge-settings.ts';

import type { AuthMode, Environment } from './environment.ts';
export type { Environment } from './environment.ts';

type ForgeKind = 'local' | 'github' | 'gitea';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
/** Readable lines for a person, or JSON lines for a collector. */
export type LogFormat = 'json' | 'pretty';

export interface GatewayConfig {
  host: string;
  port: number;
  dataDir: string; // absolute
  repo: string; // absolute path of the bare tools repo (the local mirror with a remote forge)
  forge: ForgeKind;
  /** With MCPBOX_FORGE=github|gitea: the remote repo, its API and token; null for the local forge. */
  remote: RemoteForgeSettings | null;
  /** MCPBOX_WEBHOOK_SECRET: webhooks are served only with one. */
  webhookSecret: string | null;
  auth: AuthMode;
  /** Host header names accepted (DNS-rebinding protection); loopback names are always included. */
  allowedHosts: string[];
  /** Origin hostnames accepted from browsers; loopback names are always included. */
  allowedOrigins: string[];
  logLevel: LogLevel;
  /** LOG_FORMAT; null: pretty on a terminal, JSON otherwise. */
  logFormat: LogFormat | null;
  /** MCPBOX_SITE_DIR: the built status site (built there on start when missing or older than its sources). */
  siteDir: string;
  /** Explicit acknowledgement that an unauthenticated non-loopback bind is fronted by something safe. */
  allowUnauthenticated: boolean;
  /** Tokens, issuer, trusted front and the remote-editing rule (see auth/auth-settings.ts). */
  authSettings: AuthSettings;
  /** Rate limits, call caps, log retention, shutdown grace (see operation-limits.ts). */
  limits: OperationLimits;
}

const LOOPBACK_NAMES: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];

export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || isLoopbackAddress(host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host);
}

const hostName = z
  .string()
  .trim()
  .min(1, 'expected a host name or IP address, got an empty value')
  .regex(/^[A-Za-z0-9.:\-[\]]+$/, 'expected a host name or IP address');

const port = z.coerce
  .number({ error: 'expected a port number 1–65535' })
  .int('expected a port number 1–65535')
  .min(1, 'expected a port number 1–65535')
  .max(65535, 'expected a port number 1–65535');

const commaList = z
  .string()
  .transform((s) => s.split(',').map((item) => item.trim().toLowerCase()).filter((item) => item.length > 0))
  .pipe(z.array(z.string().regex(/^[a-z0-9.\-[\]:*]+$/, 'expected comma-separated host names (no scheme, no port)')));

const flag = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.enum(['1', 'true', 'yes', '0', 'false', 'no'], { error: 'expected true or false' }))
  .transform((v) => v === '1' || v === 'true' || v === 'yes');

/** Each variable with its schema and default; parsed one by one so an error names its variable. */
const VARIABLES = {
  MCPBOX_HOST: hostName.default('127.0.0.1'),
  MCPBOX_PORT: port.default(8000),
  MCPBOX_DATA_DIR: z.string().trim().min(1, 'expected a directory path, got an empty value').default('./.mcpbox'),
  MCPBOX_REPO: z.string().trim().min(1, 'expected a path to a bare git repository, or the repository URL with MCPBOX_FORGE=github|gitea').optional(),
  MCPBOX_FORGE: z.enum(['local', 'github', 'gitea'], { error: 'expected one of local, github, gitea' }).default('local'),
  MCPBOX_AUTH: z.enum(['none', 'bearer', 'oidc'], { error: 'expected one of none, bearer, oidc' }).default('none'),
  MCPBOX_ALLOWED_HOSTS: commaList.default([]),
  MCPBOX_ALLOWED_ORIGINS: commaList.default([]),
  MCPBOX_ALLOW_UNAUTHENTICATED: flag.default(false),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'expected one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
  LOG_FORMAT: z.enum(['json', 'pretty'], { error: 'expected json or pretty (unset: pretty on a terminal, JSON otherwise)' }).optional(),
  MCPBOX_SITE_DIR: z.string().trim().min(1, 'expected a directory path, got an empty value').optional(),
} as const;

type Parsed = { [K in keyof typeof VARIABLES]: z.output<(typeof VARIABLES)[K]> };

function parseVariable<K extends keyof typeof VARIABLES>(name: K, env: Environment): Parsed[K] {
  const raw = env[name];
  // An empty variable (`MCPBOX_PORT=` in an env file) means "use the default", like an unset one.
  const value = raw === undefined || raw === '' ? undefined : raw;
  const result = (VARIABLES[name] as z.ZodType).safeParse(value);
  if (!result.success) {
    const reason = result.error.issues[0]?.message ?? 'invalid value';
    throw new ConfigError(name, `${reason}, got ${JSON.stringify(raw)}`);
  }
  return result.data as Parsed[K];
}

/**
 * Reads and validates the configuration; throws ConfigError (one line) on the first bad value.
 * `transport: 'stdio'` skips the checks that only concern an HTTP bind.
 */
export function loadConfig(
  env: Environment = process.env,
  cwd: string = process.cwd(),
  transport: 'http' | 'stdio' = 'http',
): GatewayConfig {
  const parsed = {} as Parsed;
  for (const name of Object.keys(VARIABLES) as Array<keyof typeof VARIABLES>) {
    (parsed as Record<string, unknown>)[name] = parseVariable(name, env);
  }
  const dataDir = resolve(cwd, parsed.MCPBOX_DATA_DIR);
  const repoSetting = parsed.MCPBOX_REPO;
  const isUrl = repoSetting !== undefined && /^[a-z][a-z0-9+.-]*:\/\//i.test(repoSetting);
  if (parsed.MCPBOX_FORGE === 'local' && isUrl) {
    throw new ConfigError('MCPBOX_REPO', `a repository URL needs MCPBOX_FORGE=github or MCPBOX_FORGE=gitea (got ${JSON.stringify(repoSetting)} with the local forge); use a local path or leave it unset for <data dir>/repo.git`);
  }
  const remote = parsed.MCPBOX_FORGE === 'local' ? null : loadRemoteForgeSettings(parsed.MCPBOX_FORGE, repoSetting, dataDir, env);
  const repo = remote !== null ? remote.mirrorDir : repoSetting === undefined ? resolve(dataDir, 'repo.git') : isAbsolute(repoSetting) ? repoSetting : resolve(cwd, repoSetting);
  const webhookSecret = loadWebhookSecret(env);
  const authSettings = loadAuthSettings(parsed.MCPBOX_AUTH, env);
  const limits = loadOperationLimits(env);
  const encryptionKey = env.MCPBOX_ENCRYPTION_KEY?.trim() ?? '';
  if (encryptionKey !== '' && !/^[0-9a-fA-F]{64}$/.test(encryptionKey)) {
    throw new ConfigError('MCPBOX_ENCRYPTION_KEY', `expected 64 hex characters (32 bytes), got ${encryptionKey.length} characters; generate one with \`openssl rand -hex 32\``);
  }
  const host = parsed.MCPBOX_HOST;
  const loopback = transport === 'stdio' || isLoopbackHost(host);
  if (!loopback && parsed.MCPBOX_AUTH === 'none' && !parsed.MCPBOX_ALLOW_UNAUTHENTICATED) {
    throw new ConfigError(
      'MCPBOX_AUTH',
      `"none" is only allowed on a loopback bind, but MCPBOX_HOST is ${JSON.stringify(host)}; bind 127.0.0.1, or set MCPBOX_ALLOW_UNAUTHENTICATED=true only when something in front (e.g. a container port published on 127.0.0.1) restricts access`,
    );
  }
  if (!loopback && parsed.MCPBOX_ALLOWED_HOSTS.length === 0) {
    throw new ConfigError(
      'MCPBOX_ALLOWED_HOSTS',
      `a non-loopback bind (${JSON.stringify(host)}) needs the host names clients use, e.g. MCPBOX_ALLOWED_HOSTS=mcpbox.example.lan (DNS-rebinding protection)`,
    );
  }
  const withLoopback = (list: string[]): string[] => [...new Set([...LOOPBACK_NAMES, ...list.map(bracketIpv6)])];
  return {
    host,
    port: parsed.MCPBOX_PORT,
    dataDir,
    repo,
    forge: parsed.MCPBOX_FORGE,
    remote,
    webhookSecret,
    auth: parsed.MCPBOX_AUTH,
    allowedHosts: withLoopback(parsed.MCPBOX_ALLOWED_HOSTS),
    allowedOrigins: withLoopback(parsed.MCPBOX_ALLOWED_ORIGINS),
    logLevel: parsed.LOG_LEVEL,
    logFormat: parsed.LOG_FORMAT ?? null,
    siteDir: parsed.MCPBOX_SITE_DIR === undefined ? SITE_DIST_DIR : resolve(cwd, parsed.MCPBOX_SITE_DIR),
    allowUnauthenticated: parsed.MCPBOX_ALLOW_UNAUTHENTICATED,
    authSettings,
    limits,
  };
}

// The SDK's host validation compares IPv6 literals in brackets, as they appear in a Host header.
function bracketIpv6(name: string): string {
  return name.includes(':') && !name.startsWith('[') && !name.includes('://') ? `[${name}]` : name;
}

/** Only the data dir, for commands that need nothing else (init, stdio). */
export function resolveDataDir(env: Environment = process.env, cwd: string = process.cwd()): string {
  return resolve(cwd, parseVariable('MCPBOX_DATA_DIR', env));
}
