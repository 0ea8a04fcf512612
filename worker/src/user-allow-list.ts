// Who may sign in through this front: e-mail addresses, whole domains (`@example.com`) and groups
// from the identity provider's groups claim. The gateway applies the same e-mail rule again
// (MCPBOX_FRONT_ALLOWED_USERS), so a mistake in one place is not enough to let someone in.
import { WorkerConfigError } from './worker-config-error.ts';

export interface UserAllowList {
  emails: Set<string>;
  domains: Set<string>;
  groups: Set<string>;
}

export interface SignedInUser {
  email?: string;
  groups: string[];
}

const EMAIL = /^[^\s@,]+@[^\s@,]+\.[^\s@,]+$/;
const DOMAIN = /^@[^\s@,]+\.[^\s@,]+$/;

export function parseUserAllowList(users: string | undefined, groups: string | undefined): UserAllowList {
  const list: UserAllowList = { emails: new Set(), domains: new Set(), groups: new Set() };
  for (const [index, raw] of (users ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '').entries()) {
    const entry = raw.toLowerCase();
    if (DOMAIN.test(entry)) list.domains.add(entry.slice(1));
    else if (EMAIL.test(entry)) list.emails.add(entry);
    else throw new WorkerConfigError('ALLOWED_USERS', `entry ${index + 1} (${JSON.stringify(raw)}) is neither an e-mail address nor @domain`);
  }
  for (const group of (groups ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '')) list.groups.add(group);
  if (list.emails.size + list.domains.size + list.groups.size === 0) {
    throw new WorkerConfigError('ALLOWED_USERS', 'nobody may sign in: set ALLOWED_USERS (e-mails or @domain, comma-separated) and/or ALLOWED_GROUPS in wrangler.toml [vars]');
  }
  return list;
}

/** Whether the user is on the list; an e-mail only counts when the provider verified it. */
export function isAllowedUser(list: UserAllowList, user: SignedInUser, emailVerified: boolean): boolean {
  if (user.groups.some((g) => list.groups.has(g))) return true;
  if (user.email === undefined || !emailVerified) return false;
  const email = user.email.toLowerCase();
  const at = email.lastIndexOf('@');
  return list.emails.has(email) || (at > 0 && list.domains.has(email.slice(at + 1)));
}
