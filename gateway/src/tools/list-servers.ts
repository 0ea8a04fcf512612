import * as z from 'zod';
import { sortedServers } from '../services/main-lookup.ts';
import { defineManagementTool, READ_ONLY } from './define-tool.ts';
import { GITOPS_NOTE } from './workflow.ts';

export const listServers = defineManagementTool({
  name: 'mcpbox_list_servers',
  title: 'List servers',
  description: `List the MCP servers defined on main (each groups related Python tools and is one sandbox trust domain), with their tool counts. Use mcpbox_get_server for one server's tools, secrets and network grants. ${GITOPS_NOTE}`,
  input: z.object({}),
  output: z.object({
    servers: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        description: z.string(),
        enabled: z.boolean(),
        tool_count: z.number().int(),
      }),
    ),
    total: z.number().int(),
    revision: z.string(),
  }),
  annotations: { ...READ_ONLY, title: 'List servers' },
  async handler(_input, { mainState }) {
    const state = await mainState.current();
    const servers = sortedServers(state).map((s) => ({
      id: s.name,
      name: s.name,
      description: s.description,
      enabled: s.enabled,
      tool_count: Object.keys(s.tools).length,
    }));
    return { servers, total: servers.length, revision: state.revision };
  },
});
