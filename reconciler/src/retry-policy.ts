// Argo CD's retry numbers: 5 s, doubling, capped at 3 min, at most 5 retries. Only transient
// failures are retried; after the limit the reconciler is Stalled until something new happens.
export interface RetryPolicy {
  baseMs: number;
  factor: number;
  maxMs: number;
  limit: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { baseMs: 5_000, factor: 2, maxMs: 180_000, limit: 5 };

/** Delay before retry number `attempt` (1-based), or null when the limit is reached. */
export function retryDelay(policy: RetryPolicy, attempt: number): number | null {
  if (attempt > policy.limit) return null;
  return Math.min(policy.maxMs, policy.baseMs * policy.factor ** (attempt - 1));
}

/** Poll interval with ±fraction jitter so many replicas do not poll in step. */
export function jittered(intervalMs: number, fraction: number, random: () => number = Math.random): number {
  return Math.round(intervalMs * (1 - fraction + 2 * fraction * random()));
}
