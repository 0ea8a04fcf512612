// Authentication and the caller identity, for the HTTP layer and the tool handlers.
export { Authenticator } from './authenticator.ts';
export { loadAuthSettings } from './auth-settings.ts';
export type { AuthSettings } from './auth-settings.ts';
export { currentIdentity, withIdentity } from './identity.ts';
export type { Identity, IdentityKind } from './identity.ts';
