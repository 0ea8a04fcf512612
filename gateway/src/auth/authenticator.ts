// Turns request headers and the peer address into an Identity, or a refusal with the status and
// WWW-Authenticate challenge an MCP client expects. Modes: none (loopback only), bearer (named static
// tokens), oidc (JWTs from one issuer); in any mode a trusted front may vouch for a user.
import { BlockList, isIP } from 'node:net';
import type { AuthSettings } from './auth-settings.ts';
import { BearerTokenTable, secretEquals } from './bearer-tokens.ts';
import { LOCAL_OPERATOR_IDENTITY, type Identity } from './identity.ts';
import { frontUserAllowed } from './front-settings.ts';
import { IssuerUnavailable, OidcVerifier, TokenRejected } from './oidc-verifier.ts';

export const FRONT_TOKEN_HEADER = 'x-mcpbox-service-token';
export const FRONT_USER_HEADER = 'x-mcpbox-user';
/** The local operator's credential from `<dataDir>/gateway.json` (sent by the `mcpbox stdio` bridge). */
export const LOCAL_OPERATOR_HEADER = 'x-mcpbox-local-operator';

export interface AuthRequest {
  authorization: string | undefined;
  frontToken: string | undefined;
  frontUser: string | undefined;
  localOperator?: string | undefined;
  peerAddress: string | undefined;
  /** Where clients find the protected-resource metadata (for the challenge). */
  resourceMetadataUrl: string;
}

export type AuthOutcome = { ok: true; identity: Identity } | { ok: false; status: 401 | 403 | 503; message: string; challenge?: string; /** For the gateway log only. */ detail?: string };

export class Authenticator {
  readonly settings: AuthSettings;
  readonly #tokens: BearerTokenTable;
  readonly #oidc: OidcVerifier | null;
  readonly #localOperatorToken: string | null;

  /** `localOperatorToken`: what the running gateway wrote into gateway.json; null accepts no local operator. */
  constructor(settings: AuthSettings, localOperatorToken: string | null = null) {
    this.settings = settings;
    this.#localOperatorToken = localOperatorToken;
    this.#tokens = new BearerTokenTable(settings.bearerTokens);
    this.#oidc = settings.oidc === undefined ? null : new OidcVerifier(settings.oidc);
  }

  async authenticate(req: AuthRequest): Promise<AuthOutcome> {
    const peerRemote = !isLoopbackAddress(req.peerAddress);
    // Whoever can read the data dir is the local operator, in every auth mode — but only from this
    // machine: the credential is never valid through the front or from another host.
    if (req.localOperator !== undefined) {
      const expected = this.#localOperatorToken;
      if (expected === null || peerRemote || req.frontToken !== undefined || !secretEquals(req.localOperator, expected)) {
        return { ok: false, status: 403, message: 'X-MCPbox-Local-Operator is accepted only from this machine, with the credential of the running gateway (in its data dir\'s gateway.json, new at every start): restart `mcpbox stdio`.' };
      }
      return { ok: true, identity: LOCAL_OPERATOR_IDENTITY };
    }
    // A user name is only believed from the trusted front; anything else claiming one is refused
    // rather than ignored, so a misconfigured front is noticed at once.
    if (req.frontToken !== undefined || req.frontUser !== undefined) {
      const accepted = [this.settings.frontToken, this.settings.frontTokenPrevious].filter((t): t is string => t !== undefined);
      const presented = req.frontToken;
      // Every accepted token is compared, so timing does not tell which one (if any) matched.
      const matches = presented === undefined ? [] : accepted.map((t) => secretEquals(presented, t));
      if (!matches.includes(true)) {
        return { ok: false, status: 403, message: 'X-MCPbox-User and X-MCPbox-Service-Token are accepted only from the trusted front with its service token (MCPBOX_FRONT_TOKEN).' };
      }
      const user = oneLine(req.frontUser ?? '');
      if (!frontUserAllowed(this.settings.frontAllowedUsers, user)) {
        return { ok: false, status: 403, message: `The front vouched for ${user === '' ? 'no user' : JSON.stringify(user)}, who is not on this gateway's MCPBOX_FRONT_ALLOWED_USERS; the admin adds them there (and to the front's ALLOWED_USERS).` };
      }
      return { ok: true, identity: { name: user === '' ? 'front' : user, kind: 'front', ...(user === '' ? {} : { user }), remote: true } };
    }
    if (this.settings.mode === 'none') return { ok: true, identity: { name: 'local', kind: 'anonymous', remote: peerRemote } };

    const token = bearerToken(req.authorization);
    if (this.settings.mode === 'bearer') {
      if (token === undefined) return this.challenge('Missing bearer token: send "Authorization: Bearer <token>".', 'Bearer realm="mcpbox"');
      const name = this.#tokens.match(token);
      if (name === undefined) return this.challenge('The bearer token is not valid.', 'Bearer realm="mcpbox", error="invalid_token", error_description="The bearer token is not valid"');
      return { ok: true, identity: { name, kind: 'bearer', remote: peerRemote } };
    }

    const metadata = `resource_metadata="${req.resourceMetadataUrl}"`;
    if (token === undefined) return this.challenge('Missing access token: authorize with the issuer named in the protected-resource metadata.', `Bearer ${metadata}`);
    try {
      const verified = await this.#oidc!.verify(token);
      const user = verified.email ?? verified.subject;
      return { ok: true, identity: { name: verified.subject, kind: 'oidc', user, remote: peerRemote } };
    } catch (err) {
      if (err instanceof IssuerUnavailable) {
        return {
          ok: false,
          status: 503,
          message: 'The identity provider could not be reached to check the access token; try again shortly (the admin finds the reason in the gateway log).',
          detail: err.message,
        };
      }
      const reason = err instanceof TokenRejected ? err.message : 'the token could not be checked';
      return this.challenge(`The access token was refused: ${reason}.`, `Bearer error="invalid_token", error_description="${reason.replace(/"/g, "'")}", ${metadata}`);
    }
  }

  private challenge(message: string, challenge: string): AuthOutcome {
    return { ok: false, status: 401, message, challenge };
  }
}

function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer[ ]+([^ ]+)[ ]*$/i.exec(header ?? '');
  return match?.[1];
}

// 127/8 and ::1; Node's BlockList also matches the IPv4-mapped form (::ffff:127.0.0.1) of a peer.
const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

export function isLoopbackAddress(address: string | undefined): boolean {
  const family = address === undefined ? 0 : isIP(address);
  return family !== 0 && LOOPBACK.check(address!, family === 4 ? 'ipv4' : 'ipv6');
}

function oneLine(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim().slice(0, 200);
}
