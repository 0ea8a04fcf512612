import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_POLICY } from '@mcpbox/reconciler';
import { jittered, retryDelay } from '../src/retry-policy.ts';

describe('retry policy', () => {
  it("follows Argo's numbers: 5 s doubling, capped at 3 min, at most 5 retries", () => {
    const delays = [1, 2, 3, 4, 5, 6].map((n) => retryDelay(DEFAULT_RETRY_POLICY, n));
    expect(delays).toEqual([5_000, 10_000, 20_000, 40_000, 80_000, null]);
    expect(retryDelay({ ...DEFAULT_RETRY_POLICY, limit: 10 }, 8)).toBe(180_000);
  });

  it('jitters the poll within ±10 %', () => {
    expect(jittered(60_000, 0.1, () => 0)).toBe(54_000);
    expect(jittered(60_000, 0.1, () => 1)).toBe(66_000);
    expect(jittered(60_000, 0.1, () => 0.5)).toBe(60_000);
  });
});
