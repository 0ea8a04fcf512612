// One MCP server instance over the tool catalog. The low-level Server is used because the tool
// set is dynamic (it changes with every applied revision): handlers read the catalog per request
// instead of re-registering tools, and one list_changed is sent per change.
import { Server } from '@modelcontextprotocol/server';
import { identityFromAuthExtra, LOCAL_OPERATOR_IDENTITY, withIdentity } from '../auth/identity.ts';
import { REQUEST_ID_EXTRA_KEY } from '../http/auth.ts';
import type { CallPipeline } from '../observability/call-pipeline.ts';
import { withCaller } from '../services/changes/caller-context.ts';
import type { ToolCatalog } from './tool-catalog.ts';

const SERVER_INFO = { name: 'mcpbox', version: '0.1.0' } as const;

const INSTRUCTIONS =
  'mcpbox serves Python tools that live in a git repository. The mcpbox_* tools read what is on the main branch; ' +
  'new or changed tools are proposed as pull requests and go live when a person merges them. Tools named <server>__<tool> are the live Python tools.';

export function createMcpServer(catalog: ToolCatalog, pipeline: CallPipeline | null = null): Server {
  const server = new Server(SERVER_INFO, { capabilities: { tools: { listChanged: true } }, instructions: INSTRUCTIONS });
  server.setRequestHandler('tools/list', async () => ({ tools: catalog.list() }));
  // The caller (clientInfo, and the identity the HTTP auth layer established) is named in commit
  // trailers and execution logs; without an HTTP layer (stdio) it is the local operator.
  server.setRequestHandler('tools/call', async (request, ctx) => {
    const client = server.getClientVersion();
    const extra = ctx.http?.authInfo?.extra;
    const identity = identityFromAuthExtra(extra) ?? LOCAL_OPERATOR_IDENTITY;
    const requestId = typeof extra?.[REQUEST_ID_EXTRA_KEY] === 'string' ? (extra[REQUEST_ID_EXTRA_KEY] as string) : null;
    const { name, arguments: args } = request.params;
    const call = () => catalog.call(name, args);
    return withIdentity(identity, () =>
      withCaller(
        { ...(client === undefined ? {} : { client: { name: client.name, version: client.version } }), ...(identity.user === undefined ? {} : { user: identity.user }) },
        () => (pipeline === null ? call() : pipeline.run(name, args, requestId, call)),
      ),
    );
  });
  return server;
}
