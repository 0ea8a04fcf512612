// Durable execution logs with group commit: entries of calls finishing together are written in one
// transaction (one fsync), and each call's promise resolves only once its entry is committed. The
// MCP response is sent after that, so a result a client saw is never missing after `kill -9`.
import type { ExecutionLogInput, ExecutionLogRepository, RetentionPolicy } from '@mcpbox/core';

interface Pending {
  entry: ExecutionLogInput;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export const DEFAULT_RETENTION: RetentionPolicy = { maxAgeMs: 30 * 86_400_000, maxEntries: 100_000 };
const PRUNE_EVERY_MS = 10 * 60_000;

export class ExecutionLogWriter {
  readonly #repo: ExecutionLogRepository;
  readonly #retention: RetentionPolicy;
  #pending: Pending[] = [];
  #scheduled = false;
  #lastPrune = 0;

  constructor(repo: ExecutionLogRepository, retention: RetentionPolicy = DEFAULT_RETENTION) {
    this.#repo = repo;
    this.#retention = retention;
  }

  get repository(): ExecutionLogRepository {
    return this.#repo;
  }

  /** Resolves once the entry is committed to the state store. */
  write(entry: ExecutionLogInput): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ entry, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Commits everything pending now (also called at shutdown). */
  flush(): void {
    this.#scheduled = false;
    const batch = this.#pending;
    this.#pending = [];
    if (batch.length > 0) {
      try {
        this.#repo.append(batch.map((p) => p.entry));
        for (const p of batch) p.resolve();
      } catch (err) {
        for (const p of batch) p.reject(err);
      }
    }
    if (Date.now() - this.#lastPrune > PRUNE_EVERY_MS) {
      this.#lastPrune = Date.now();
      try {
        this.#repo.prune(this.#retention);
      } catch {
        // Pruning is housekeeping; the next round tries again.
      }
    }
  }
}
