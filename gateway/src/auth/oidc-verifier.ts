// Access tokens from an OIDC issuer: JWTs checked against the issuer's JWKS for signature, `iss`,
// `aud` and `exp` (required). The JWKS URL is configured or discovered once from the issuer's
// openid-configuration; jose caches keys and refetches on an unknown `kid`.
import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { OidcSettings } from './auth-settings.ts';

export interface VerifiedToken {
  subject: string;
  email?: string;
}

export class TokenRejected extends Error {
  readonly code = 'invalid_token';
}

/** The issuer or its JWKS could not be reached: not the caller's fault, so not a 401. */
export class IssuerUnavailable extends Error {
  readonly code = 'issuer_unavailable';
}

const CLOCK_TOLERANCE_S = 60;

export class OidcVerifier {
  readonly #settings: OidcSettings;
  #keys: Promise<JWTVerifyGetKey> | null = null;

  constructor(settings: OidcSettings) {
    this.#settings = settings;
  }

  async verify(token: string): Promise<VerifiedToken> {
    let keys: JWTVerifyGetKey;
    try {
      keys = await this.keys();
    } catch (err) {
      throw err instanceof TokenRejected ? err : new IssuerUnavailable(`the issuer's openid-configuration could not be read: ${(err as Error).message}`);
    }
    try {
      const { payload } = await jwtVerify(token, keys, {
        issuer: this.#settings.issuer,
        audience: this.#settings.audience,
        requiredClaims: ['exp', 'sub'],
        clockTolerance: CLOCK_TOLERANCE_S,
        algorithms: ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'],
      });
      const subject = String(payload.sub);
      return typeof payload['email'] === 'string' ? { subject, email: payload['email'] } : { subject };
    } catch (err) {
      if (err instanceof errors.JWKSTimeout || (err instanceof Error && !(err instanceof errors.JOSEError))) {
        throw new IssuerUnavailable(`the issuer's keys could not be fetched: ${err.message}`);
      }
      throw new TokenRejected(describe(err));
    }
  }

  private keys(): Promise<JWTVerifyGetKey> {
    if (this.#keys === null) {
      this.#keys = this.jwksUrl().then((url) => createRemoteJWKSet(new URL(url), { cooldownDuration: 30_000, cacheMaxAge: 300_000 }));
      // A failed discovery is retried on the next request instead of being cached forever.
      this.#keys.catch(() => (this.#keys = null));
    }
    return this.#keys;
  }

  private async jwksUrl(): Promise<string> {
    if (this.#settings.jwksUrl !== undefined) return this.#settings.jwksUrl;
    const discovery = `${this.#settings.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
    const response = await fetch(discovery, { signal: AbortSignal.timeout(10_000) });
    const body = (await response.json().catch(() => ({}))) as { jwks_uri?: unknown };
    if (!response.ok || typeof body.jwks_uri !== 'string') throw new TokenRejected(`the issuer's openid-configuration at ${discovery} names no jwks_uri`);
    return body.jwks_uri;
  }
}

function describe(err: unknown): string {
  if (err instanceof errors.JWTExpired) return 'the token has expired';
  if (err instanceof errors.JWTClaimValidationFailed) return `the token's "${err.claim}" claim is not accepted (${err.reason})`;
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'the token signature does not verify';
  if (err instanceof errors.JWKSNoMatchingKey) return "no key of the issuer's JWKS matches the token";
  if (err instanceof errors.JOSEError) return 'the token is not a valid JWT from the configured issuer';
  if (err instanceof TokenRejected) return err.message;
  return 'the token could not be checked against the issuer';
}
