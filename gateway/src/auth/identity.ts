// Who is calling, as established by the HTTP auth layer (or the local operator on stdio). It rides on
// the MCP request's authInfo to the tools/call handler, which makes it the current identity for the
// call: execution logs, rate limits and the remote-editing rule all read it from here.
import { AsyncLocalStorage } from 'node:async_hooks';

export type IdentityKind = 'anonymous' | 'bearer' | 'oidc' | 'front' | 'local-operator';

export interface Identity {
  /** Token name, OIDC subject, the front's user, or "local" / "local-operator". Safe to log. */
  name: string;
  kind: IdentityKind;
  /** The person behind the call when known (OIDC e-mail, the front's user): `On-Behalf-Of` in commits. */
  user?: string;
  /** Came through the trusted front or from a non-loopback peer. */
  remote: boolean;
}

/**
 * The person who can read the data dir: the caller of `mcpbox stdio`, whether it serves embedded or
 * bridges to the running gateway (which then recognises it by the credential in gateway.json).
 */
export const LOCAL_OPERATOR_IDENTITY: Identity = { name: 'local-operator', kind: 'local-operator', remote: false };

const storage = new AsyncLocalStorage<Identity>();

export function withIdentity<T>(identity: Identity, work: () => T): T {
  return storage.run(identity, work);
}

/** The caller of the current tool call; the local operator when no HTTP layer set one (stdio, tests). */
export function currentIdentity(): Identity {
  return storage.getStore() ?? LOCAL_OPERATOR_IDENTITY;
}

/** Key under which the identity travels in the SDK's AuthInfo.extra. */
export const IDENTITY_EXTRA_KEY = 'mcpbox/identity';

/** The identity carried in an SDK AuthInfo, if the auth layer put one there. */
export function identityFromAuthExtra(extra: Record<string, unknown> | undefined): Identity | undefined {
  const value = extra?.[IDENTITY_EXTRA_KEY];
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Partial<Identity>;
  if (typeof v.name !== 'string' || typeof v.kind !== 'string' || typeof v.remote !== 'boolean') return undefined;
  return v as Identity;
}
