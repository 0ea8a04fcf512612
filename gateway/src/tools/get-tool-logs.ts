import * as z from 'zod';
import { ToolError } from './tool-error.ts';
import { defineManagementTool, READ_ONLY } from './define-tool.ts';

const MAX_LIMIT = 100;

function parsed(json: string | null): unknown {
  if (json === null) return null;
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return json; // a truncated value is kept as text, with its marker
  }
}

export const getToolLogs = defineManagementTool({
  name: 'mcpbox_get_tool_logs',
  title: 'Get tool call logs',
  description:
    'Recent calls of one tool, newest first: when, by whom, against which revision of main, the arguments (credential-like fields and secret values redacted), the result or error, printed output and duration. Long values are cut with a "[truncated …]" marker. Test runs (mcpbox_test_code) are flagged. Use it to see why a tool failed for a caller before proposing a fix.',
  input: z.object({
    tool_id: z.string().min(1).max(130, 'tool_id is at most 130 characters').describe('"<server>__<tool>" or an mcpbox_* tool name, e.g. "examples__text_stats"'),
    limit: z.number().int().min(1).max(MAX_LIMIT, `limit is at most ${MAX_LIMIT}`).default(20).describe(`How many calls, newest first (1–${MAX_LIMIT})`),
  }),
  output: z.object({
    tool_id: z.string(),
    calls: z.array(
      z.object({
        seq: z.number().int(),
        at: z.string(),
        caller: z.string(),
        revision: z.string().nullable(),
        is_test: z.boolean(),
        success: z.boolean(),
        duration_ms: z.number(),
        arguments: z.unknown(),
        result: z.unknown(),
        stdout: z.string().nullable(),
        error: z.string().nullable(),
      }),
    ),
    total: z.number().int(),
  }),
  annotations: { ...READ_ONLY, title: 'Get tool call logs' },
  async handler({ tool_id, limit }, { executionLogs }) {
    if (executionLogs === null) throw new ToolError('unavailable', 'This gateway runs without a state store, so no calls are recorded. Ask the admin to start it with `mcpbox up`.');
    const calls = executionLogs.query({ tool: tool_id, limit }).map((e) => ({
      seq: e.seq,
      at: e.at,
      caller: e.caller,
      revision: e.revision,
      is_test: e.isTest,
      success: e.success,
      duration_ms: e.durationMs,
      arguments: parsed(e.argsJson),
      result: parsed(e.resultJson),
      stdout: e.stdout,
      error: e.error,
    }));
    return { tool_id, calls, total: calls.length };
  },
});
