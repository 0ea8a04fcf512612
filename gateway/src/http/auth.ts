// Authentication for every route but health checks and discovery: the Authenticator decides, this
// plugin answers refusals (401 with a WWW-Authenticate challenge, 403 for a bad front token) and
// hands the identity to the MCP layer through the SDK's `req.auth` pass-through. In OIDC mode it
// also serves the protected-resource metadata (RFC 9728) that MCP clients use to find the issuer.
import type { IncomingMessage } from 'node:http';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import fastifyPlugin from 'fastify-plugin';
import type { AuthInfo } from '@modelcontextprotocol/server';
import { Authenticator, FRONT_TOKEN_HEADER, FRONT_USER_HEADER, LOCAL_OPERATOR_HEADER, type AuthRequest } from '../auth/authenticator.ts';
import { IDENTITY_EXTRA_KEY, type Identity } from '../auth/identity.ts';
import type { GatewayMetrics } from '../observability/gateway-metrics.ts';

export const REQUEST_ID_EXTRA_KEY = 'mcpbox/request-id';
const PRM_PATH = '/.well-known/oauth-protected-resource';
const OPEN_PATHS = new Set(['/healthz', '/readyz', '/status']);
// Forge webhooks prove themselves with their own HMAC signature and only poke the reconciler. The
// status site checks its own requests (a session cookie, or these same credentials through
// credentialsOf and the same Authenticator) in status-site-auth.ts, so a browser can sign in.
const OPEN_PREFIXES = ['/.well-known/', '/webhooks/', '/status/'];

declare module 'fastify' {
  interface FastifyRequest {
    identity?: Identity;
  }
}

export interface AuthPluginOptions {
  authenticator: Authenticator;
  metrics?: GatewayMetrics;
}

/** What a request presents to the Authenticator: its credential headers, its peer, where the metadata is. */
export function credentialsOf(request: FastifyRequest, publicUrl: string | undefined): AuthRequest {
  const resource = new URL(mcpUrl(request, publicUrl));
  const header = (name: string) => {
    const value = request.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  return {
    authorization: header('authorization'),
    frontToken: header(FRONT_TOKEN_HEADER),
    frontUser: header(FRONT_USER_HEADER),
    localOperator: header(LOCAL_OPERATOR_HEADER),
    peerAddress: request.socket.remoteAddress,
    resourceMetadataUrl: `${resource.origin}${PRM_PATH}${resource.pathname}`,
  };
}

/** The public URL of /mcp: configured, or from the (already host-checked) request. */
function mcpUrl(request: FastifyRequest, configured: string | undefined): string {
  if (configured !== undefined) return configured;
  return `${request.protocol}://${request.host}/mcp`;
}

const authPlugin: FastifyPluginAsync<AuthPluginOptions> = async (app, { authenticator, metrics }) => {
  const settings = authenticator.settings;
  if (settings.mode === 'oidc' && settings.oidc !== undefined) {
    const issuer = settings.oidc.issuer;
    const metadata = async (request: FastifyRequest) => ({
      resource: mcpUrl(request, settings.publicUrl),
      authorization_servers: [issuer],
      bearer_methods_supported: ['header'],
      resource_name: 'mcpbox',
    });
    app.get(PRM_PATH, metadata);
    app.get(`${PRM_PATH}/mcp`, metadata);
  }

  app.addHook('onRequest', async (request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    if (OPEN_PATHS.has(path) || OPEN_PREFIXES.some((prefix) => path.startsWith(prefix))) return;
    const outcome = await authenticator.authenticate(credentialsOf(request, settings.publicUrl));
    if (!outcome.ok) {
      metrics?.authFailures.inc({ status: String(outcome.status) });
      if (outcome.detail !== undefined) request.log.warn({ reason: outcome.detail }, 'could not check a caller\'s credentials');
      if (outcome.challenge !== undefined) void reply.header('www-authenticate', outcome.challenge);
      return reply.status(outcome.status).send({ jsonrpc: '2.0', error: { code: -32001, message: outcome.message }, id: null });
    }
    request.identity = outcome.identity;
    // The SDK's Node handlers pass `req.auth` on to the request handlers as ctx.http.authInfo.
    const auth: AuthInfo = {
      token: '', // never carried further: nothing downstream needs the credential
      clientId: outcome.identity.name,
      scopes: [],
      extra: { [IDENTITY_EXTRA_KEY]: outcome.identity, [REQUEST_ID_EXTRA_KEY]: request.id },
    };
    (request.raw as IncomingMessage & { auth?: AuthInfo }).auth = auth;
    request.log = request.log.child({ caller: outcome.identity.name });
  });
};

// Its hooks cover every route of the app, not only routes registered inside it.
export const authentication = fastifyPlugin(authPlugin);
