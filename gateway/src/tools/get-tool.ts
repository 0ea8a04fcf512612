import * as z from 'zod';
import { findTool } from '../services/main-lookup.ts';
import { defineManagementTool, READ_ONLY } from './define-tool.ts';
import { GITOPS_NOTE } from './workflow.ts';

export const getTool = defineManagementTool({
  name: 'mcpbox_get_tool',
  title: 'Get a tool',
  description: `Show one tool as it is on main: its Python source (python_code), metadata, version (the git blob id of the .py file — it changes whenever the code changes) and, when the tool is live, the input schema derived from \`async def main(...)\`. tool_id is "<server>__<tool>", e.g. "examples__text_stats". Use mcpbox_list_tool_versions for its history. ${GITOPS_NOTE}`,
  input: z.object({ tool_id: z.string().min(1).max(130, 'tool_id is at most 130 characters').describe('"<server>__<tool>", e.g. "examples__text_stats"') }),
  output: z.object({
    id: z.string(),
    server_id: z.string(),
    name: z.string(),
    description: z.string(),
    enabled: z.boolean(),
    live: z.boolean(),
    timeout_ms: z.number().int().nullable(),
    annotations: z.record(z.string(), z.unknown()),
    python_code: z.string(),
    version: z.string(),
    path: z.string(),
    input_schema: z.record(z.string(), z.unknown()).nullable(),
    revision: z.string(),
  }),
  annotations: { ...READ_ONLY, title: 'Get a tool' },
  async handler({ tool_id }, { mainState, registry }) {
    const state = await mainState.current();
    const { server, tool } = findTool(state, tool_id);
    const liveTool = registry.current()?.tools.get(tool.id);
    // The schema comes from the sandbox's analysis, which only the live registry holds; it is
    // reported only when the live tool runs this very code.
    const sameCode = liveTool !== undefined && liveTool.codeBlob === tool.codeBlob;
    return {
      id: tool.id,
      server_id: server.name,
      name: tool.name,
      description: tool.meta.description ?? (sameCode ? liveTool.description : ''),
      enabled: tool.meta.enabled,
      live: liveTool !== undefined,
      timeout_ms: tool.meta.timeout_ms ?? null,
      annotations: { ...tool.meta.annotations },
      python_code: tool.code,
      version: tool.codeBlob,
      path: tool.codePath,
      input_schema: sameCode ? liveTool.inputSchema : null,
      revision: state.revision,
    };
  },
});
