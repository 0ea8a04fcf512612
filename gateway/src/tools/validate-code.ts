import * as z from 'zod';
import { PythonCode } from '../services/changes/index.ts';
import { defineManagementTool, READ_ONLY } from './define-tool.ts';
import { SANDBOX_RULES } from './write-workflow.ts';

export const validateCode = defineManagementTool({
  name: 'mcpbox_validate_code',
  title: 'Validate tool code',
  description: `Check Python tool code without saving or running it: syntax, a top-level \`async def main(...)\`, the input schema derived from its signature, and every import against main's module policy (imports that would fail at run time are errors, with how to fix them). Returns valid, errors (line, col, message), input_schema, description and imports (each with allowed and via: safe_set, policy or not_allowed). ${SANDBOX_RULES}`,
  input: z.object({ code: PythonCode.describe('The whole Python source to check') }),
  output: z.object({
    valid: z.boolean(),
    errors: z.array(z.object({ line: z.number().int(), col: z.number().int().optional(), message: z.string() })),
    has_main: z.boolean(),
    input_schema: z.record(z.string(), z.unknown()).nullable(),
    description: z.string(),
    imports: z.array(z.object({ name: z.string(), allowed: z.boolean(), via: z.enum(['safe_set', 'policy', 'not_allowed']) })),
    sandbox_checked: z.boolean().describe('false when the sandbox was unavailable and only the quick shape checks ran'),
  }),
  annotations: { ...READ_ONLY, title: 'Validate tool code' },
  async handler({ code }, { changes }) {
    return changes.code.validate(code);
  },
});
