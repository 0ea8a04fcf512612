// Finding servers and tools of a desired state by their public ids, with errors that say what to do.
import type { DesiredState, ServerSpec, ToolSpec } from '@mcpbox/core';
import { ToolError } from '../tools/tool-error.ts';
import { splitToolId } from './tool-ids.ts';

export function findServer(state: DesiredState, serverId: string): ServerSpec {
  const server = state.servers[serverId];
  if (server === undefined) {
    throw new ToolError('not_found', `No server "${serverId}" on main. Call mcpbox_list_servers to see the servers; a new server goes live only after its pull request is merged.`);
  }
  return server;
}

export function findTool(state: DesiredState, id: string): { server: ServerSpec; tool: ToolSpec } {
  const { server: serverName, tool: toolName } = splitToolId(id);
  const server = findServer(state, serverName);
  const tool = server.tools[toolName];
  if (tool === undefined) {
    throw new ToolError('not_found', `No tool "${toolName}" in server "${serverName}" on main. Call mcpbox_list_tools with server_id "${serverName}" to see its tools; a new tool appears here only after its pull request is merged.`);
  }
  return { server, tool };
}

/** Servers and tools in a stable order (by name), so listings and cursors are deterministic. */
export function sortedServers(state: DesiredState): ServerSpec[] {
  return Object.values(state.servers).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export function sortedTools(server: ServerSpec): ToolSpec[] {
  return Object.values(server.tools).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
