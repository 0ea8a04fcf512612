import * as z from 'zod';
import { findServer, sortedTools } from '../services/main-lookup.ts';
import { defineManagementTool, READ_ONLY } from './define-tool.ts';
import { GITOPS_NOTE } from './workflow.ts';

export const getServer = defineManagementTool({
  name: 'mcpbox_get_server',
  title: 'Get a server',
  description: `Show one server on main: description, whether it is enabled, its tools (and which are live), the secret names it declares (never values) and its network grants. server_id is the server's name, e.g. "examples". ${GITOPS_NOTE}`,
  input: z.object({ server_id: z.string().min(1).max(64, 'server_id is at most 64 characters').describe('The server name, e.g. "examples"') }),
  output: z.object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    enabled: z.boolean(),
    tools: z.array(z.object({ id: z.string(), name: z.string(), description: z.string(), enabled: z.boolean(), live: z.boolean() })),
    tool_count: z.number().int(),
    secrets: z.array(z.object({ name: z.string(), description: z.string() })),
    network_grants: z.array(z.object({ host: z.string(), port: z.number().int().optional(), reason: z.string() })),
    sources: z.array(z.object({ name: z.string(), url: z.string(), transport: z.string() })),
    revision: z.string(),
  }),
  annotations: { ...READ_ONLY, title: 'Get a server' },
  async handler({ server_id }, { mainState, registry }) {
    const state = await mainState.current();
    const server = findServer(state, server_id);
    const live = registry.current()?.tools;
    const tools = sortedTools(server).map((t) => ({
      id: t.id,
      name: t.name,
      description: t.meta.description ?? live?.get(t.id)?.description ?? '',
      enabled: t.meta.enabled,
      live: live?.has(t.id) ?? false,
    }));
    return {
      id: server.name,
      name: server.name,
      description: server.description,
      enabled: server.enabled,
      tools,
      tool_count: tools.length,
      secrets: server.secrets.map((s) => ({ name: s.name, description: s.description })),
      network_grants: state.network.grants
        .filter((g) => g.server === server.name)
        .map((g) => ({ host: g.host, ...(g.port === undefined ? {} : { port: g.port }), reason: g.reason })),
      sources: Object.values(server.sources).map((s) => ({ name: s.name, url: s.url, transport: s.transport })),
      revision: state.revision,
    };
  },
});
