// Every management tool the gateway serves, in the order clients list them. Add new tools here.
import type { ManagementTool } from './define-tool.ts';
import { getServer } from './get-server.ts';
import { getServerModules } from './get-server-modules.ts';
import { getStatus } from './get-status.ts';
import { getTool } from './get-tool.ts';
import { listServers } from './list-servers.ts';
import { listToolVersions } from './list-tool-versions.ts';
import { listTools } from './list-tools.ts';
import { createServer } from './create-server.ts';
import { createServerSecret } from './create-server-secret.ts';
import { createTool } from './create-tool.ts';
import { deleteServer } from './delete-server.ts';
import { deleteTool } from './delete-tool.ts';
import { getToolLogs } from './get-tool-logs.ts';
import { getToolStatus } from './get-tool-status.ts';
import { listPendingRequests } from './list-pending-requests.ts';
import { listServerSecrets } from './list-server-secrets.ts';
import { requestModule } from './request-module.ts';
import { requestNetworkAccess } from './request-network-access.ts';
import { requestPublish } from './request-publish.ts';
import { rollbackTool } from './rollback-tool.ts';
import { startServer } from './start-server.ts';
import { stopServer } from './stop-server.ts';
import { testCode } from './test-code.ts';
import { updateTool } from './update-tool.ts';
import { validateCode } from './validate-code.ts';

export const MANAGEMENT_TOOLS: readonly ManagementTool[] = [
  listServers,
  getServer,
  listTools,
  getTool,
  getServerModules,
  listToolVersions,
  getStatus,
  getToolLogs,
  // The write side: drafts, checks, pull requests, status, runtime switches.
  createServer,
  createTool,
  updateTool,
  deleteTool,
  deleteServer,
  validateCode,
  testCode,
  requestPublish,
  getToolStatus,
  requestModule,
  requestNetworkAccess,
  createServerSecret,
  listServerSecrets,
  listPendingRequests,
  rollbackTool,
  startServer,
  stopServer,
] as unknown as readonly ManagementTool[];

export { defineManagementTool, READ_ONLY } from './define-tool.ts';
export type { ManagementTool } from './define-tool.ts';
export { ToolError } from './tool-error.ts';
export type { ToolErrorCode } from './tool-error.ts';
