import * as z from 'zod';
import { findTool } from '../services/main-lookup.ts';
import { defineManagementTool, READ_ONLY } from './define-tool.ts';
import { GITOPS_NOTE } from './workflow.ts';

const DEFAULT_LIMIT = 50;

export const listToolVersions = defineManagementTool({
  name: 'mcpbox_list_tool_versions',
  title: 'List tool versions',
  description: `List the versions of a tool on main, newest first: every commit that changed its .py or .yaml file, with author, date and message (merges of approved pull requests, reverts). To go back to an older version, propose a revert as a pull request; it goes live when a person merges it. ${GITOPS_NOTE}`,
  input: z.object({
    tool_id: z.string().min(1).max(130, 'tool_id is at most 130 characters').describe('"<server>__<tool>", e.g. "examples__text_stats"'),
    limit: z.number().int().min(1).max(500).default(DEFAULT_LIMIT).describe(`How many versions, newest first (default ${DEFAULT_LIMIT})`),
  }),
  output: z.object({
    tool_id: z.string(),
    versions: z.array(z.object({ commit: z.string(), author: z.string(), date: z.string(), message: z.string() })),
    total: z.number().int(),
    truncated: z.boolean(),
  }),
  annotations: { ...READ_ONLY, title: 'List tool versions' },
  async handler({ tool_id, limit }, { mainState, toolVersions }) {
    const state = await mainState.current();
    const { server, tool } = findTool(state, tool_id);
    const versions = await toolVersions(server.name, tool.name);
    return { tool_id: tool.id, versions: versions.slice(0, limit), total: versions.length, truncated: versions.length > limit };
  },
});
