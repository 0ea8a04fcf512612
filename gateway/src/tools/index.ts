// Every management tool the gateway serves, in the order clients list them. Add new tools here.
import type { ManagementTool } from './define-tool.ts';
import { getServer } from './get-server.ts';
import { getServerModules } from './get-server-modules.ts';
import { getTool } from './get-tool.ts';
import { listServers } from './list-servers.ts';
import { listToolVersions } from './list-tool-versions.ts';
import { listTools } from './list-tools.ts';

export const MANAGEMENT_TOOLS: readonly ManagementTool[] = [
  listServers,
  getServer,
  listTools,
  getTool,
  getServerModules,
  listToolVersions,
] as unknown as readonly ManagementTool[];

export { defineManagementTool, READ_ONLY } from './define-tool.ts';
export type { ManagementTool } from './define-tool.ts';
export { ToolError } from './tool-error.ts';
export type { ToolErrorCode } from './tool-error.ts';
