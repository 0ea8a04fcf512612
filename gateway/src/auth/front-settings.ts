// The trusted front's part of the auth configuration: its service token (two during a rotation, so
// the Worker's secret and the gateway's can be changed one after the other without downtime) and
// the e-mail allow-list applied again here to the users it vouches for (defence in depth: the
// Worker checks the same list). Validated with zod; token values never appear in a message.
import * as z from 'zod';
import { ConfigError } from '../config/config-error.ts';
import type { Environment } from '../config/environment.ts';

export interface FrontAllowList {
  emails: Set<string>;
  domains: Set<string>;
}

export interface FrontSettings {
  /** MCPBOX_FRONT_TOKEN. */
  frontToken: string;
  /** MCPBOX_FRONT_TOKEN_PREVIOUS: the old token, still accepted while the front is switched over. */
  frontTokenPrevious?: string;
  /** MCPBOX_FRONT_ALLOWED_USERS: e-mails and @domains the front may vouch for; unset: whoever it names. */
  frontAllowedUsers?: FrontAllowList;
}

const MIN_FRONT_TOKEN_LENGTH = 16;

const Token = z.string().trim().min(MIN_FRONT_TOKEN_LENGTH, `the service token is shorter than ${MIN_FRONT_TOKEN_LENGTH} characters; generate one with \`mcpbox remote setup\` or \`openssl rand -hex 32\``);
const AllowedUser = z.string().regex(/^(@|[^\s@,]+@)[^\s@,]+\.[^\s@,]+$/, 'expected an e-mail address or @domain');

export function loadFrontSettings(env: Environment): FrontSettings | undefined {
  const value = (name: string) => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? undefined : v;
  };
  const current = value('MCPBOX_FRONT_TOKEN');
  const previous = value('MCPBOX_FRONT_TOKEN_PREVIOUS');
  const users = value('MCPBOX_FRONT_ALLOWED_USERS');
  if (current === undefined) {
    if (previous !== undefined) throw new ConfigError('MCPBOX_FRONT_TOKEN_PREVIOUS', 'is only used during a rotation, next to the new MCPBOX_FRONT_TOKEN; set that too (or remove this one once the front sends the new token)');
    if (users !== undefined) throw new ConfigError('MCPBOX_FRONT_ALLOWED_USERS', 'applies to users a trusted front vouches for, but MCPBOX_FRONT_TOKEN is not set');
    return undefined;
  }
  const tokens: string[] = [];
  for (const [name, raw] of [['MCPBOX_FRONT_TOKEN', current], ['MCPBOX_FRONT_TOKEN_PREVIOUS', previous]] as const) {
    if (raw === undefined) continue;
    const parsed = Token.safeParse(raw);
    if (!parsed.success) throw new ConfigError(name, parsed.error.issues[0]?.message ?? 'invalid');
    tokens.push(parsed.data);
  }
  if (tokens[0] === tokens[1]) throw new ConfigError('MCPBOX_FRONT_TOKEN_PREVIOUS', 'is the same as MCPBOX_FRONT_TOKEN; during a rotation it holds the old token');
  const settings: FrontSettings = { frontToken: tokens[0]!, ...(tokens[1] === undefined ? {} : { frontTokenPrevious: tokens[1] }) };
  if (users !== undefined) {
    const allowed = { emails: new Set<string>(), domains: new Set<string>() };
    for (const [index, raw] of users.split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== '').entries()) {
      const parsed = AllowedUser.safeParse(raw);
      if (!parsed.success) throw new ConfigError('MCPBOX_FRONT_ALLOWED_USERS', `entry ${index + 1} (${JSON.stringify(raw)}): ${parsed.error.issues[0]?.message ?? 'invalid'}`);
      if (raw.startsWith('@')) allowed.domains.add(raw.slice(1));
      else allowed.emails.add(raw);
    }
    settings.frontAllowedUsers = allowed;
  }
  return settings;
}

/** Whether the front may act for this user under MCPBOX_FRONT_ALLOWED_USERS. */
export function frontUserAllowed(allowed: FrontAllowList | undefined, user: string): boolean {
  if (allowed === undefined) return true;
  const email = user.toLowerCase();
  const at = email.lastIndexOf('@');
  return allowed.emails.has(email) || (at > 0 && allowed.domains.has(email.slice(at + 1)));
}
