// Authentication and the caller identity, for the HTTP layer and the tool handlers.
export { Authenticator, FRONT_TOKEN_HEADER, FRONT_USER_HEADER, isLoopbackAddress } from './authenticator.ts';
export type { AuthOutcome, AuthRequest } from './authenticator.ts';
export { loadAuthSettings, parseNamedTokens } from './auth-settings.ts';
export type { AuthSettings, NamedToken, OidcSettings } from './auth-settings.ts';
export { currentIdentity, identityFromAuthExtra, withIdentity, IDENTITY_EXTRA_KEY, LOCAL_OPERATOR_IDENTITY } from './identity.ts';
export type { Identity, IdentityKind } from './identity.ts';
export { remoteEditingRefusal } from './remote-editing.ts';
