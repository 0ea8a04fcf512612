import * as z from 'zod';
import { ToolAnnotationsSchema } from '@mcpbox/core';
import { PythonCode, TimeoutMs, ToolDescription, ToolId } from '../services/changes/index.ts';
import { splitToolId } from '../services/tool-ids.ts';
import { defineManagementTool } from './define-tool.ts';
import { PROPOSES_CHANGE, SANDBOX_RULES, WRITE_WORKFLOW } from './write-workflow.ts';

export const updateTool = defineManagementTool({
  name: 'mcpbox_update_tool',
  title: 'Update a tool (draft)',
  description: `Change a tool's code or settings on its server's draft branch "mcpbox/draft/<server>" (the tool may be on main or only drafted). Pass only what changes; nothing changes on main until a pull request is merged, and if one is already open for the draft, the commit joins it. For optimistic concurrency pass expected_version (the version returned by mcpbox_create_tool/mcpbox_update_tool or draft_version from mcpbox_get_tool_status): if someone changed the tool since, you get a conflict with the current version instead of overwriting their work. An update that changes nothing commits nothing. ${WRITE_WORKFLOW} ${SANDBOX_RULES}`,
  input: z.object({
    tool_id: ToolId,
    python_code: PythonCode.optional(),
    description: ToolDescription.optional().describe('New description ("" removes the override and uses the docstring)'),
    timeout_ms: TimeoutMs.optional(),
    enabled: z.boolean().optional(),
    annotations: ToolAnnotationsSchema.optional(),
    expected_version: z.string().regex(/^[0-9a-f]{40}$/, 'must be a 40-character version (git blob id) as returned by mcpbox_create_tool or mcpbox_get_tool_status').optional().describe('The version you last read; the update is refused if the tool changed since'),
  }),
  output: z.object({
    success: z.boolean(),
    id: z.string(),
    branch: z.string(),
    commit: z.string().nullable(),
    version: z.string(),
    changed: z.array(z.string()),
    message: z.string(),
  }),
  annotations: { ...PROPOSES_CHANGE, title: 'Update a tool (draft)' },
  async handler({ tool_id, python_code, expected_version, ...settings }, { changes }) {
    const { server, tool } = splitToolId(tool_id);
    const result = await changes.drafts.updateTool(server, tool, python_code, settings, expected_version);
    return {
      success: true,
      id: tool_id,
      branch: result.branch,
      commit: result.commit,
      version: result.version,
      changed: result.changed,
      message:
        result.commit === null
          ? `Nothing changed: "${tool_id}" already has this code and these settings.`
          : `Updated ${result.changed.join(' and ')} of "${tool_id}" on ${result.branch} (version ${result.version.slice(0, 12)}). Test it with mcpbox_test_code; publish with mcpbox_request_publish.`,
    };
  },
});
