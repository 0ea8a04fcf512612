// The MCP side of the gateway, independent of transport: the tool catalog (management tools +
// live Python tools) and a factory of server instances over it. HTTP and stdio both build on this.
import type { Server } from '@modelcontextprotocol/server';
import type { Logger } from 'pino';
import type { BranchForge, ExecutionLogRepository, ServerSwitchRepository } from '@mcpbox/core';
import type { LiveRegistry, ReconcilerStatus } from '@mcpbox/reconciler';
import type { Sandbox } from '@mcpbox/sandbox';
import type { CallPipeline } from '../observability/call-pipeline.ts';
import type { SecretPresence } from '../services/changes/index.ts';
import { createToolServices, type ToolServices } from '../services/tool-services.ts';
import { MANAGEMENT_TOOLS } from '../tools/index.ts';
import type { ManagementTool } from '../tools/define-tool.ts';
import { createMcpServer } from './create-mcp-server.ts';
import { ManagementToolSet, type FailureLog } from './management-tools.ts';
import { PythonToolSet, type SecretsProvider } from './python-tools.ts';
import { ToolCatalog } from './tool-catalog.ts';

export interface GatewayMcpOptions {
  gitDir: string;
  /** A remote forge's adapter (GitHub, Gitea); default: the local forge over gitDir. */
  forge?: BranchForge | null;
  registry: LiveRegistry;
  sandbox?: Sandbox | null;
  logger: Logger;
  /** Defaults to every management tool; tests and later features may pass their own list. */
  tools?: readonly ManagementTool[];
  services?: ToolServices;
  /** Runtime start/stop switches (the state store); without them mcpbox_start/stop_server say so. */
  serverSwitches?: ServerSwitchRepository | null;
  /** Logs, metrics, caps and the remote-editing rule around every call (absent: calls run bare). */
  pipeline?: CallPipeline | null;
  /** Plaintext secrets a server declares, for its own sandbox runs only. */
  secretsFor?: SecretsProvider | null;
  /** Whether a secret has a value (mcpbox_list_server_secrets); never the value. */
  secretPresence?: SecretPresence | null;
  /** Recorded calls, for mcpbox_get_tool_logs. */
  executionLogs?: Pick<ExecutionLogRepository, 'query'> | null;
  /** The reconciler's status, for mcpbox_get_status. */
  reconcilerStatus?: (() => ReconcilerStatus) | null;
}

export interface GatewayMcp {
  catalog: ToolCatalog;
  services: ToolServices;
  newServer(): Server;
}

export function createGatewayMcp(options: GatewayMcpOptions): GatewayMcp {
  const logFailure: FailureLog = (err, context) => options.logger.error({ err, ...context }, 'tool call failed');
  const services =
    options.services ??
    createToolServices(options.gitDir, options.registry, { sandbox: options.sandbox ?? null, serverSwitches: options.serverSwitches ?? null, secretValues: options.secretPresence ?? null, executionLogs: options.executionLogs ?? null, forge: options.forge ?? null, reconcilerStatus: options.reconcilerStatus ?? null });
  const catalog = new ToolCatalog(
    new ManagementToolSet(options.tools ?? MANAGEMENT_TOOLS, services, logFailure),
    new PythonToolSet(options.registry, options.sandbox ?? null, logFailure, options.serverSwitches ?? null, options.secretsFor ?? null),
  );
  return { catalog, services, newServer: () => createMcpServer(catalog, options.pipeline ?? null) };
}
