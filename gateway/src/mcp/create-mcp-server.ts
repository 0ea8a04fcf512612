// One MCP server instance over the tool catalog. The low-level Server is used because the tool
// set is dynamic (it changes with every applied revision): handlers read the catalog per request
// instead of re-registering tools, and one list_changed is sent per change.
import { Server } from '@modelcontextprotocol/server';
import { withCaller } from '../services/changes/caller-context.ts';
import type { ToolCatalog } from './tool-catalog.ts';

export const SERVER_INFO = { name: 'mcpbox', version: '0.1.0' } as const;

const INSTRUCTIONS =
  'mcpbox serves Python tools that live in a git repository. The mcpbox_* tools read what is on the main branch; ' +
  'new or changed tools are proposed as pull requests and go live when a person merges them. Tools named <server>__<tool> are the live Python tools.';

export function createMcpServer(catalog: ToolCatalog): Server {
  const server = new Server(SERVER_INFO, { capabilities: { tools: { listChanged: true } }, instructions: INSTRUCTIONS });
  server.setRequestHandler('tools/list', async () => ({ tools: catalog.list() }));
  // The caller (clientInfo, and the user once authentication provides one) is named in commit trailers.
  server.setRequestHandler('tools/call', async (request, ctx) => {
    const client = server.getClientVersion();
    const user = ctx.http?.authInfo?.extra?.['email'];
    return withCaller(
      { ...(client === undefined ? {} : { client: { name: client.name, version: client.version } }), ...(typeof user === 'string' ? { user } : {}) },
      () => catalog.call(request.params.name, request.params.arguments),
    );
  });
  return server;
}
