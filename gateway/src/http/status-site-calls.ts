// Call figures for the status pages, read from the state store's execution log: how many calls,
// how many failed, the median duration and the last errors. Test runs (mcpbox_test_code) are not
// the tool's record and are left out. Entries arrive redacted, so error texts are safe to show.
import type { ExecutionLogRepository } from '@mcpbox/core';
import type { CallStatsSource, SiteCalls } from '@mcpbox/site';

/** How many of a tool's newest entries are read per data.json; enough for stable figures. */
const CALLS_READ = 500;
const ERRORS_SHOWN = 5;
const ERROR_CHARS = 500;

export class ExecutionLogCallStats implements CallStatsSource {
  readonly #log: ExecutionLogRepository;

  constructor(log: ExecutionLogRepository) {
    this.#log = log;
  }

  forTool(id: string): SiteCalls | null {
    const read = this.#log.query({ tool: id, limit: CALLS_READ });
    const calls = read.filter((e) => !e.isTest);
    if (calls.length === 0) return null;
    const durations = calls.map((e) => e.durationMs).sort((a, b) => a - b);
    const failed = calls.filter((e) => !e.success);
    return {
      total: calls.length,
      capped: read.length === CALLS_READ,
      errors: failed.length,
      medianMs: median(durations),
      lastErrors: failed.slice(0, ERRORS_SHOWN).map((e) => ({ at: e.at, message: (e.error ?? 'failed without a message').slice(0, ERROR_CHARS) })),
    };
  }
}

function median(sorted: readonly number[]): number | null {
  if (sorted.length === 0) return null;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? null) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}
