// Forge-level failures (git-level ones arrive as GitError). Messages say what to do next.
import type { z } from 'zod';

export type ForgeErrorCode = 'invalid_input' | 'not_found' | 'invalid_state';

export class ForgeError extends Error {
  readonly code: ForgeErrorCode;
  constructor(code: ForgeErrorCode, message: string) {
    super(message);
    this.name = 'ForgeError';
    this.code = code;
  }
}

/** Parses `raw` with `schema`, turning zod issues into one readable `invalid_input` error. */
export function parseInput<S extends z.ZodType>(operation: string, schema: S, raw: unknown): z.output<S> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : 'input'}: ${i.message}`);
  throw new ForgeError('invalid_input', `Invalid input for ${operation}: ${issues.join('; ')}.`);
}
