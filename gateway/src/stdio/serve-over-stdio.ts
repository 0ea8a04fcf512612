// The stdio transport (`mcpbox stdio` in embedded mode): the gateway's core served over one
// stdin/stdout connection, either era (the SDK decides from the opening message). stdout carries
// the protocol; logs go to stderr. What is served is wired by app/compose-gateway.ts, as for HTTP.
import { serveStdio, StdioServerTransport, type StdioServerHandle } from '@modelcontextprotocol/server/stdio';
import type { Server } from '@modelcontextprotocol/server';
import type { Logger } from 'pino';
import type { LiveRegistry } from '@mcpbox/reconciler';
import type { GatewayCore } from '../app/gateway-core.ts';
import { DepthGuardedTransport } from '../mcp/message-depth.ts';

export interface StdioOptions {
  core: GatewayCore;
  /** Every applied revision becomes a tools/list_changed on the connection. */
  registry: LiveRegistry;
  logger: Logger;
}

export function serveOverStdio(options: StdioOptions): StdioServerHandle {
  const { mcp } = options.core;
  // The entry may build a probe instance it discards; notifying a closed one is harmless.
  const instances = new Set<Server>();
  const stopWatching = options.registry.onChange(() => {
    for (const server of instances) server.sendToolListChanged().catch(() => {});
  });
  const handle = serveStdio(
    () => {
      const server = mcp.newServer();
      instances.add(server);
      server.onclose = () => instances.delete(server);
      return server;
    },
    // Too-deep requests are answered by the guard before the SDK's recursive handling sees them.
    { transport: new DepthGuardedTransport(new StdioServerTransport()), onerror: (err) => options.logger.debug({ err }, 'stdio MCP message rejected') },
  );
  return {
    async close() {
      stopWatching();
      await handle.close();
    },
  };
}
