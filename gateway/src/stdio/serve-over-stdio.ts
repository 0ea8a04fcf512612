// The same MCP server over stdio (`mcpbox stdio`): one connection, either era (the SDK decides
// from the opening message). stdout carries the protocol; logs go to stderr.
import { serveStdio, type StdioServerHandle } from '@modelcontextprotocol/server/stdio';
import type { Server } from '@modelcontextprotocol/server';
import type { Logger } from 'pino';
import type { SecretStore, ServerSwitchRepository } from '@mcpbox/core';
import type { LiveRegistry, ReconcilerStatus } from '@mcpbox/reconciler';
import type { Sandbox } from '@mcpbox/sandbox';
import { createGatewayMcp } from '../mcp/gateway-mcp.ts';
import { CallPipeline } from '../observability/call-pipeline.ts';
import type { ExecutionLogWriter } from '../observability/execution-log-writer.ts';
import { GatewayMetrics } from '../observability/gateway-metrics.ts';
import { MANAGEMENT_TOOLS } from '../tools/index.ts';

export interface StdioOptions {
  repo: string;
  registry: LiveRegistry;
  sandbox?: Sandbox | null;
  logger: Logger;
  /** Calls over stdio are the local operator's; they are logged like any other when a store is given. */
  executionLogs?: ExecutionLogWriter | null;
  secrets?: SecretStore | null;
  /** Runtime start/stop switches, so mcpbox_start/stop_server work over stdio too. */
  serverSwitches?: ServerSwitchRepository | null;
  reconcilerStatus?: (() => ReconcilerStatus) | null;
}

export function serveOverStdio(options: StdioOptions): StdioServerHandle {
  const secrets = options.secrets ?? null;
  const pipeline = new CallPipeline({
    registry: options.registry,
    metrics: new GatewayMetrics(),
    logWriter: options.executionLogs ?? null,
    managementTools: MANAGEMENT_TOOLS,
    remoteToolEditing: true, // the process owner is local by definition
    ...(secrets === null ? {} : { secretValues: (server: string) => secrets.allValues(server) }),
  });
  const mcp = createGatewayMcp({
    gitDir: options.repo,
    registry: options.registry,
    sandbox: options.sandbox ?? null,
    logger: options.logger,
    pipeline,
    secretsFor: secrets === null ? null : (server, declared) => secrets.valuesFor(server, declared),
    secretPresence: secrets,
    executionLogs: options.executionLogs?.repository ?? null,
    serverSwitches: options.serverSwitches ?? null,
    reconcilerStatus: options.reconcilerStatus ?? null,
  });
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
