// A small OpenID provider on 127.0.0.1 for the tests: discovery, a JWKS with a real RSA key, an
// authorize endpoint that signs in whoever the test says is at the keyboard, and a token endpoint
// that checks the code, the redirect URI and the PKCE verifier before it signs an id_token (jose).
// It stands in for Cloudflare Access / Authelia / Keycloak, which cannot run here.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';

interface UpstreamUser {
  sub: string;
  email?: string;
  email_verified?: boolean;
  groups?: string[];
}

interface IssuedCode {
  clientId: string;
  redirectUri: string;
  challenge: string;
  nonce: string;
  user: UpstreamUser;
}

export interface OidcProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Who signs in at the next authorize request. */
  user: UpstreamUser;
  /** Overrides for the next id_token's claims (e.g. a wrong audience), consumed once. */
  tamperNextIdToken?: Record<string, unknown>;
  /** Signs an id_token with this provider's key (for tests that need one outside the flow). */
  sign(claims: Record<string, unknown>): Promise<string>;
  close(): Promise<void>;
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

export async function startOidcProvider(): Promise<OidcProvider> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'test-key-1', alg: 'RS256', use: 'sig' };
  const codes = new Map<string, IssuedCode>();
  const clientId = 'mcpbox-front';
  const clientSecret = randomBytes(24).toString('hex');
  let server: Server;
  const provider: OidcProvider = {
    issuer: '',
    clientId,
    clientSecret,
    user: { sub: 'user-1', email: 'alice@example.com', email_verified: true },
    sign: (claims) => signWith(privateKey, claims),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };

  server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', provider.issuer);
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (url.pathname === '/.well-known/openid-configuration') {
        return json(200, {
          issuer: provider.issuer,
          authorization_endpoint: `${provider.issuer}/authorize`,
          token_endpoint: `${provider.issuer}/token`,
          jwks_uri: `${provider.issuer}/jwks`,
          response_types_supported: ['code'],
          code_challenge_methods_supported: ['S256'],
          id_token_signing_alg_values_supported: ['RS256'],
        });
      }
      if (url.pathname === '/jwks') return json(200, { keys: [jwk] });
      if (url.pathname === '/authorize') {
        const q = url.searchParams;
        if (q.get('client_id') !== clientId || q.get('code_challenge_method') !== 'S256' || !q.get('code_challenge') || !q.get('nonce')) {
          return json(400, { error: 'invalid_request', error_description: 'client_id, S256 code_challenge and nonce are required' });
        }
        const code = randomBytes(16).toString('hex');
        codes.set(code, { clientId, redirectUri: q.get('redirect_uri') ?? '', challenge: q.get('code_challenge')!, nonce: q.get('nonce')!, user: provider.user });
        const back = new URL(q.get('redirect_uri') ?? '');
        back.searchParams.set('code', code);
        back.searchParams.set('state', q.get('state') ?? '');
        res.writeHead(302, { location: back.toString() });
        return res.end();
      }
      if (url.pathname === '/token' && req.method === 'POST') {
        const form = await readForm(req);
        const issued = codes.get(form.get('code') ?? '');
        codes.delete(form.get('code') ?? '');
        if (issued === undefined) return json(400, { error: 'invalid_grant', error_description: 'unknown or used code' });
        if (form.get('client_id') !== clientId || form.get('client_secret') !== clientSecret) return json(401, { error: 'invalid_client' });
        if (form.get('redirect_uri') !== issued.redirectUri) return json(400, { error: 'invalid_grant', error_description: 'redirect_uri differs' });
        const challenge = createHash('sha256').update(form.get('code_verifier') ?? '').digest('base64url');
        if (challenge !== issued.challenge) return json(400, { error: 'invalid_grant', error_description: 'PKCE verifier does not match' });
        const now = Math.floor(Date.now() / 1000);
        const claims: Record<string, unknown> = { iss: provider.issuer, aud: clientId, iat: now, exp: now + 300, nonce: issued.nonce, ...issued.user, ...provider.tamperNextIdToken };
        delete provider.tamperNextIdToken;
        return json(200, { access_token: randomBytes(16).toString('hex'), token_type: 'Bearer', expires_in: 300, id_token: await signWith(privateKey, claims) });
      }
      json(404, { error: 'not_found' });
    })().catch((err: unknown) => {
      res.writeHead(500);
      res.end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  provider.issuer = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  return provider;
}

function signWith(key: CryptoKey, claims: Record<string, unknown>): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'test-key-1', typ: 'JWT' }).sign(key);
}
