// The same MCP server over stdio (`mcpbox stdio`): one connection, either era (the SDK decides
// from the opening message). stdout carries the protocol; logs go to stderr.
import { serveStdio, type StdioServerHandle } from '@modelcontextprotocol/server/stdio';
import type { Server } from '@modelcontextprotocol/server';
import type { Logger } from 'pino';
import type { LiveRegistry } from '@mcpbox/reconciler';
import type { Sandbox } from '@mcpbox/sandbox';
import { createGatewayMcp } from '../mcp/gateway-mcp.ts';

export interface StdioOptions {
  repo: string;
  registry: LiveRegistry;
  sandbox?: Sandbox | null;
  logger: Logger;
}

export function serveOverStdio(options: StdioOptions): StdioServerHandle {
  const mcp = createGatewayMcp({ gitDir: options.repo, registry: options.registry, sandbox: options.sandbox ?? null, logger: options.logger });
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
    { onerror: (err) => options.logger.debug({ err }, 'stdio MCP message rejected') },
  );
  return {
    async close() {
      stopWatching();
      await handle.close();
    },
  };
}
