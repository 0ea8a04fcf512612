// Forge-level failures (git-level ones arrive as GitError). Messages say what to do next.
import type { z } from 'zod';

export type ForgeErrorCode = 'invalid_input' | 'not_found' | 'invalid_state' | 'head_moved';

export class ForgeError extends Error {
  readonly code: ForgeErrorCode;
  constructor(code: ForgeErrorCode, message: string) {
    super(message);
    this.name = 'ForgeError';
    this.code = code;
  }
}

/**
 * The pull request's branch is not at the head the merge was asked for: someone pushed (or rewrote
 * the branch) after the reviewer looked. `expected` is what was reviewed, `actual` what is there now.
 */
export class HeadMovedError extends ForgeError {
  readonly expected: string;
  readonly actual: string;
  readonly number: number;
  constructor(number: number, expected: string, actual: string) {
    super('head_moved', `Pull request #${number} moved from ${expected.slice(0, 12)} to ${actual.slice(0, 12)} since it was reviewed; nothing was merged. Review it again and merge the new head.`);
    this.name = 'HeadMovedError';
    this.number = number;
    this.expected = expected;
    this.actual = actual;
  }
}

/** Parses `raw` with `schema`, turning zod issues into one readable `invalid_input` error. */
export function parseInput<S extends z.ZodType>(operation: string, schema: S, raw: unknown): z.output<S> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : 'input'}: ${i.message}`);
  throw new ForgeError('invalid_input', `Invalid input for ${operation}: ${issues.join('; ')}.`);
}
