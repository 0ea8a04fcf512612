import * as z from 'zod';
import { ToolAnnotationsSchema, toolId } from '@mcpbox/core';
import { PythonCode, ServerId, TimeoutMs, ToolDescription, ToolName } from '../services/changes/index.ts';
import { defineManagementTool } from './define-tool.ts';
import { PROPOSES_CHANGE, SANDBOX_RULES, WRITE_WORKFLOW } from './write-workflow.ts';

export const createTool = defineManagementTool({
  name: 'mcpbox_create_tool',
  title: 'Create a tool (draft)',
  description: `Create a Python tool in a server as a draft: commits servers/<server>/tools/<name>.py (and a .yaml when you pass settings) to the branch "mcpbox/draft/<server>". The server may be on main or itself a draft. The file is checked first (size, encoding, not empty); call mcpbox_validate_code for the Python check (syntax, the \`async def main\` shape, imports). Returns the version (the git blob id of the code) to pass as expected_version to mcpbox_update_tool. ${WRITE_WORKFLOW} ${SANDBOX_RULES}`,
  input: z.object({
    server_id: ServerId,
    name: ToolName,
    python_code: PythonCode,
    description: ToolDescription.min(1).optional().describe('Overrides the docstring of main() as the tool description'),
    timeout_ms: TimeoutMs.optional(),
    enabled: z.boolean().optional().describe('false keeps the tool in the repo but not served (default true)'),
    annotations: ToolAnnotationsSchema.optional().describe('MCP annotations, e.g. {"readOnlyHint": true}'),
  }),
  output: z.object({
    success: z.boolean(),
    id: z.string(),
    name: z.string(),
    server_id: z.string(),
    branch: z.string(),
    commit: z.string().nullable(),
    version: z.string(),
    status: z.literal('draft'),
    message: z.string(),
  }),
  annotations: { ...PROPOSES_CHANGE, title: 'Create a tool (draft)' },
  async handler({ server_id, name, python_code, ...settings }, { changes }) {
    const result = await changes.drafts.createTool(server_id, name, python_code, settings);
    const id = toolId(server_id, name);
    return {
      success: true,
      id,
      name,
      server_id,
      branch: result.branch,
      commit: result.commit,
      version: result.version,
      status: 'draft' as const,
      message: `Tool "${id}" is drafted on ${result.branch} (version ${result.version.slice(0, 12)}). Next: mcpbox_test_code with tool_id "${id}", then mcpbox_request_publish.`,
    };
  },
});
