// Limits for running in the open: rate limits, call caps, log retention and the shutdown grace
// period, read from the environment with the same one-line errors as the rest of the config.
import * as z from 'zod';
import { sandboxLimits } from '@mcpbox/sandbox';
import { ConfigError } from './config-error.ts';
import type { Environment } from './environment.ts';

export interface OperationLimits {
  /** Requests per minute per caller on /mcp; 0 turns the limit off. */
  rateLimitPerMinute: number;
  maxArgumentBytes: number;
  maxConcurrentPerServer: number;
  maxQueuedPerServer: number;
  logRetentionDays: number;
  logMaxEntries: number;
  /** How long SIGTERM waits for in-flight calls before closing anyway. */
  shutdownGraceMs: number;
  /** Sandbox children serving calls, live and draft together (hard cap; beyond it calls are answered "busy"). */
  sandboxMaxChildren: number;
  /** Of those, children running draft tests. */
  sandboxMaxDraftChildren: number;
}

const count = (min: number, max: number) => z.coerce.number({ error: `expected a whole number ${min}–${max}` }).int(`expected a whole number ${min}–${max}`).min(min, `expected a whole number ${min}–${max}`).max(max, `expected a whole number ${min}–${max}`);

const LIMITS = {
  MCPBOX_RATE_LIMIT_PER_MINUTE: [count(0, 1_000_000), 600],
  MCPBOX_MAX_ARGUMENT_BYTES: [count(1024, 64 * 1024 * 1024), 1024 * 1024],
  MCPBOX_MAX_CONCURRENT_PER_SERVER: [count(1, 1000), 8],
  MCPBOX_MAX_QUEUED_PER_SERVER: [count(0, 100_000), 64],
  MCPBOX_LOG_RETENTION_DAYS: [count(1, 3650), 30],
  MCPBOX_LOG_MAX_ENTRIES: [count(100, 100_000_000), 100_000],
  MCPBOX_SHUTDOWN_GRACE_MS: [count(0, 600_000), 20_000],
  MCPBOX_SANDBOX_MAX_CHILDREN: [count(1, 1000), sandboxLimits.DEFAULT_MAX_INSTANCES],
  MCPBOX_SANDBOX_MAX_DRAFT_CHILDREN: [count(1, 1000), sandboxLimits.DEFAULT_MAX_DRAFT_INSTANCES],
} as const;

function read(env: Environment, name: keyof typeof LIMITS): number {
  const [schema, fallback] = LIMITS[name];
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const result = schema.safeParse(raw.trim());
  if (!result.success) throw new ConfigError(name, `${result.error.issues[0]?.message ?? 'invalid value'}, got ${JSON.stringify(raw)}`);
  return result.data;
}

export function loadOperationLimits(env: Environment): OperationLimits {
  return {
    rateLimitPerMinute: read(env, 'MCPBOX_RATE_LIMIT_PER_MINUTE'),
    maxArgumentBytes: read(env, 'MCPBOX_MAX_ARGUMENT_BYTES'),
    maxConcurrentPerServer: read(env, 'MCPBOX_MAX_CONCURRENT_PER_SERVER'),
    maxQueuedPerServer: read(env, 'MCPBOX_MAX_QUEUED_PER_SERVER'),
    logRetentionDays: read(env, 'MCPBOX_LOG_RETENTION_DAYS'),
    logMaxEntries: read(env, 'MCPBOX_LOG_MAX_ENTRIES'),
    shutdownGraceMs: read(env, 'MCPBOX_SHUTDOWN_GRACE_MS'),
    ...sandboxCaps(env),
  };
}

function sandboxCaps(env: Environment): Pick<OperationLimits, 'sandboxMaxChildren' | 'sandboxMaxDraftChildren'> {
  const sandboxMaxChildren = read(env, 'MCPBOX_SANDBOX_MAX_CHILDREN');
  const sandboxMaxDraftChildren = read(env, 'MCPBOX_SANDBOX_MAX_DRAFT_CHILDREN');
  if (sandboxMaxDraftChildren > sandboxMaxChildren) {
    throw new ConfigError('MCPBOX_SANDBOX_MAX_DRAFT_CHILDREN', `draft children are part of MCPBOX_SANDBOX_MAX_CHILDREN (${sandboxMaxChildren}), so at most that many, got ${sandboxMaxDraftChildren}; lower it or raise MCPBOX_SANDBOX_MAX_CHILDREN`);
  }
  return { sandboxMaxChildren, sandboxMaxDraftChildren };
}
