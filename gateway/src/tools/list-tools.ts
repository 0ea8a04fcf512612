import * as z from 'zod';
import { findServer, sortedServers, sortedTools } from '../services/main-lookup.ts';
import { defineManagementTool, READ_ONLY } from './define-tool.ts';
import { GITOPS_NOTE } from './workflow.ts';

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 500;

export const listTools = defineManagementTool({
  name: 'mcpbox_list_tools',
  title: 'List tools',
  description: `List the Python tools on main, optionally of one server (server_id). Results are paginated in tool-id order: when next_cursor is not null, call again with cursor set to it to get the rest (total says how many there are). "live" tells whether the tool is being served right now. Use mcpbox_get_tool for a tool's code and input schema. ${GITOPS_NOTE}`,
  input: z.object({
    server_id: z.string().min(1).max(64, 'server_id is at most 64 characters').optional().describe('Only tools of this server (its name)'),
    cursor: z.string().min(1).max(130, 'cursor is at most 130 characters').optional().describe('next_cursor from the previous page'),
    limit: z.number().int().min(1).max(MAX_LIMIT).default(DEFAULT_LIMIT).describe(`Page size, 1–${MAX_LIMIT} (default ${DEFAULT_LIMIT})`),
  }),
  output: z.object({
    tools: z.array(
      z.object({
        id: z.string(),
        server_id: z.string(),
        name: z.string(),
        description: z.string(),
        enabled: z.boolean(),
        live: z.boolean(),
      }),
    ),
    total: z.number().int(),
    next_cursor: z.string().nullable(),
    revision: z.string(),
  }),
  annotations: { ...READ_ONLY, title: 'List tools' },
  async handler({ server_id, cursor, limit }, { mainState, registry }) {
    const state = await mainState.current();
    const servers = server_id === undefined ? sortedServers(state) : [findServer(state, server_id)];
    // Ids sort the same as (server, tool) pairs because names cannot contain "__"; the cursor is
    // the last id returned, so a page boundary stays put even if main moves between calls.
    const all = servers.flatMap((s) => sortedTools(s)).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const start = cursor === undefined ? 0 : all.findIndex((t) => t.id > cursor);
    const page = start < 0 ? [] : all.slice(start, start + limit);
    const last = page.at(-1);
    const hasMore = start >= 0 && start + limit < all.length;
    const live = registry.current()?.tools;
    return {
      tools: page.map((t) => ({
        id: t.id,
        server_id: t.server,
        name: t.name,
        description: t.meta.description ?? live?.get(t.id)?.description ?? '',
        enabled: t.meta.enabled,
        live: live?.has(t.id) ?? false,
      })),
      total: all.length,
      next_cursor: hasMore && last !== undefined ? last.id : null,
      revision: state.revision,
    };
  },
});
