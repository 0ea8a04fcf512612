// What every transport serves: the call pipeline (logs, caps, the remote-editing rule) and the MCP
// catalog over the services, built once from the runtime's parts. HTTP (create-gateway.ts) and
// stdio (stdio/serve-over-stdio.ts) only put a transport in front of it.
import type { Logger } from 'pino';
import type { BranchForge, SecretStore, ServerSwitchRepository } from '@mcpbox/core';
import type { LiveRegistry, ReconcilerStatus } from '@mcpbox/reconciler';
import type { Sandbox } from '@mcpbox/sandbox';
import type { OperationLimits } from '../config/index.ts';
import { createGatewayMcp, type GatewayMcp } from '../mcp/gateway-mcp.ts';
import { CallPipeline } from '../observability/call-pipeline.ts';
import type { ExecutionLogWriter } from '../observability/execution-log-writer.ts';
import { GatewayMetrics } from '../observability/gateway-metrics.ts';
import { MANAGEMENT_TOOLS } from '../tools/index.ts';
import type { ManagementTool } from '../tools/define-tool.ts';

interface GatewayCoreOptions {
  /** The bare tools repo: the embedded one, or the local mirror of a remote forge. */
  repo: string;
  registry: LiveRegistry;
  sandbox?: Sandbox | null;
  logger: Logger;
  tools?: readonly ManagementTool[];
  /** Runtime start/stop switches from the state store. */
  serverSwitches?: ServerSwitchRepository | null;
  /** A remote forge's adapter (MCPBOX_FORGE=github|gitea); null: the local forge over `repo`. */
  forge?: BranchForge | null;
  /** Whether remote callers may propose, test or switch (MCPBOX_REMOTE_TOOL_EDITING). */
  remoteToolEditing: boolean;
  limits?: Partial<OperationLimits>;
  metrics?: GatewayMetrics;
  /** Durable execution logs; without them calls are not recorded. */
  executionLogs?: ExecutionLogWriter | null;
  /** Encrypted server secrets: handed to each server's own sandbox runs, kept out of logs. */
  secrets?: SecretStore | null;
  /** The reconciler's status, for mcpbox_get_status. */
  reconcilerStatus?: (() => ReconcilerStatus) | null;
}

export interface GatewayCore {
  mcp: GatewayMcp;
  pipeline: CallPipeline;
  metrics: GatewayMetrics;
}

export function createGatewayCore(options: GatewayCoreOptions): GatewayCore {
  const metrics = options.metrics ?? new GatewayMetrics();
  const secrets = options.secrets ?? null;
  const tools = options.tools ?? MANAGEMENT_TOOLS;
  const pipeline = new CallPipeline({
    registry: options.registry,
    metrics,
    logWriter: options.executionLogs ?? null,
    managementTools: tools,
    remoteToolEditing: options.remoteToolEditing,
    ...(options.limits === undefined ? {} : { limits: options.limits }),
    // Every value the server holds, declared or not, is kept out of its logs.
    ...(secrets === null ? {} : { secretValues: (server: string) => secrets.allValues(server) }),
  });
  const mcp = createGatewayMcp({
    gitDir: options.repo,
    forge: options.forge ?? null,
    registry: options.registry,
    sandbox: options.sandbox ?? null,
    serverSwitches: options.serverSwitches ?? null,
    logger: options.logger,
    tools,
    pipeline,
    secretsFor: secrets === null ? null : (server, declared) => secrets.valuesFor(server, declared),
    secretPresence: secrets,
    executionLogs: options.executionLogs?.repository ?? null,
    reconcilerStatus: options.reconcilerStatus ?? null,
  });
  return { mcp, pipeline, metrics };
}
