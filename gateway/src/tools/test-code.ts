import * as z from 'zod';
import { ToolArguments, ToolId } from '../services/changes/index.ts';
import { splitToolId } from '../services/tool-ids.ts';
import { defineManagementTool } from './define-tool.ts';
import { SANDBOX_RULES } from './write-workflow.ts';

export const testCode = defineManagementTool({
  name: 'mcpbox_test_code',
  title: 'Test a tool',
  description: `Run a tool's current code in the real sandbox with the given arguments and return its result, printed output and error (type, message, line). The code is the draft's ("mcpbox/draft/<server>") when the draft changes the tool, else main's; the policy is always main's (modules and this server's network grants) — a draft cannot grant itself anything, so request modules/hosts first if the test needs them. No secret values are given to tests. A draft test is recorded on the draft commit and shown in the pull request that mcpbox_request_publish opens. ${SANDBOX_RULES}`,
  input: z.object({ tool_id: ToolId, arguments: ToolArguments.default({}) }),
  output: z.object({
    tool_id: z.string(),
    source: z.enum(['draft', 'main']),
    commit: z.string(),
    version: z.string(),
    success: z.boolean(),
    result: z.unknown(),
    stdout: z.string(),
    error: z.object({ type: z.string(), message: z.string(), line: z.number().int().optional() }).nullable(),
    duration_ms: z.number(),
    recorded: z.boolean().describe('whether the result was logged on the draft commit for the pull request'),
  }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true, title: 'Test a tool' },
  async handler({ tool_id, arguments: args }, { changes }) {
    const { server, tool } = splitToolId(tool_id);
    return changes.code.test(server, tool, args);
  },
});
