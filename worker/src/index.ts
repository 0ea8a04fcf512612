// The Worker: an OAuth 2.1 authorization server for remote MCP clients (workers-oauth-provider:
// RFC 8414 and RFC 9728 metadata, code + PKCE S256, refresh rotation, revocation, RFC 8707 resource,
// Client ID Metadata Documents and dynamic registration) whose users sign in with an upstream OIDC
// provider, in front of the mcpbox gateway's /mcp.
import { OAuthProvider } from '@cloudflare/workers-oauth-provider';
import { authorizeFailure, handleAuthorize, handleCallback } from './authorize-routes.ts';
import { refusalPage } from './consent-page.ts';
import { passThrough, proxyMcp } from './mcp-proxy.ts';
import { isAllowedRedirect } from './redirect-allow-list.ts';
import { loadWorkerConfig, type WorkerConfig, type WorkerEnv } from './worker-config.ts';
import { WorkerConfigError } from './worker-config-error.ts';

// The one scope this front grants: using the tools, as the signed-in user.
const SCOPE = 'mcp';

// One provider per configuration (an isolate sees one; tests may start several).
const providers = new Map<string, { config: WorkerConfig; provider: OAuthProvider<WorkerEnv> }>();

function providerFor(config: WorkerConfig): OAuthProvider<WorkerEnv> {
  const key = JSON.stringify(config, (_k, v: unknown) => (v instanceof Set ? [...v] : v));
  const known = providers.get(key);
  if (known !== undefined) return known.provider;
  const provider = new OAuthProvider<WorkerEnv>({
    apiRoute: '/mcp',
    apiHandler: {
      fetch: (request, env, ctx) => proxyMcp(request, env as WorkerEnv, config, (ctx as unknown as { props: unknown }).props),
    },
    defaultHandler: {
      fetch: async (request, env) => {
        const path = new URL(request.url).pathname;
        try {
          if (path === '/authorize') return await handleAuthorize(request, env as WorkerEnv, config);
          if (path === '/callback') return await handleCallback(request, env as WorkerEnv, config);
        } catch (err) {
          return authorizeFailure(err);
        }
        if (config.passThroughPaths.some((prefix) => path.startsWith(prefix))) return passThrough(request, env as WorkerEnv, config);
        return Response.json({ error: 'not_found', error_description: `${path} is not served here: this front serves /mcp and its OAuth endpoints only (PASS_THROUGH_PATHS opens more of the gateway).` }, { status: 404 });
      },
    },
    authorizeEndpoint: '/authorize',
    tokenEndpoint: '/oauth/token',
    clientRegistrationEndpoint: '/oauth/register',
    scopesSupported: [SCOPE],
    resourceMetadata: { resource: config.resource, authorization_servers: [config.publicOrigin], bearer_methods_supported: ['header'], resource_name: 'mcpbox' },
    clientIdMetadataDocumentEnabled: true,
    accessTokenTTL: config.accessTokenTtlSeconds,
    clientRegistrationCallback: ({ clientMetadata }) => {
      const uris = Array.isArray(clientMetadata.redirect_uris) ? clientMetadata.redirect_uris.filter((u): u is string => typeof u === 'string') : [];
      const refused = uris.filter((u) => !isAllowedRedirect(config.redirects, u));
      if (uris.length === 0 || refused.length > 0) {
        return { code: 'invalid_redirect_uri', description: `redirect URI not on this front's allow-list: ${refused.join(', ') || '(none given)'}; the admin adds it to REDIRECT_URIS` };
      }
      return undefined;
    },
  });
  providers.set(key, { config, provider });
  return provider;
}

export default {
  async fetch(request: Request, env: WorkerEnv, ctx: ExecutionContext): Promise<Response> {
    let config: WorkerConfig;
    try {
      config = loadWorkerConfig(env);
    } catch (err) {
      if (!(err instanceof WorkerConfigError)) throw err;
      console.error(`mcpbox worker misconfigured: ${err.message}`);
      return refusalPage(500, 'This mcpbox front is not configured', `${err.variable}: ${err.detail}`);
    }
    return providerFor(config).fetch(request, env, ctx);
  },
} satisfies ExportedHandler<WorkerEnv>;
