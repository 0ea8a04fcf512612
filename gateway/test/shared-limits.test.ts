// The sandbox and core may not import each other (scripts/lint.ts, the layer rules), so the per-call time limit
// has a home in each: core's is what a tools repo may write, the sandbox's is the clamp it applies.
// The gateway sees both; this keeps them one fact.
import { describe, expect, it } from 'vitest';
import { DEFAULT_TIMEOUT_MS, MAX_TIMEOUT_MS } from '@mcpbox/core';
import { DEFAULT_TIMEOUT_MS as SANDBOX_DEFAULT, MAX_TIMEOUT_MS as SANDBOX_MAX } from '../../sandbox/src/limits.ts';
import { TimeoutMs } from '../src/services/changes/change-inputs.ts';

describe('the per-call time limit', () => {
  it('is the same bound in the format, the sandbox and the write-side tools', () => {
    expect(SANDBOX_MAX).toBe(MAX_TIMEOUT_MS);
    expect(SANDBOX_DEFAULT).toBe(DEFAULT_TIMEOUT_MS);
    expect(TimeoutMs.safeParse(MAX_TIMEOUT_MS).success).toBe(true);
    const over = TimeoutMs.safeParse(MAX_TIMEOUT_MS + 1);
    expect(over.success).toBe(false);
    expect(over.error?.issues[0]?.code).toBe('too_big');
  });
});
