// Durable record of every tool call (runtime data, not desired state). Entries arrive
// already redacted and truncated; this file only stores, reads and prunes them. Many entries are
// written in one transaction so a burst of calls costs one fsync, not one per call.
import type { StateStore } from './state-store.ts';

export interface ExecutionLogInput {
  at: string; // ISO time the call started
  tool: string; // public name: `<server>__<tool>` or `mcpbox_*`
  server: string | null;
  revision: string | null; // main's applied revision the call ran against
  caller: string; // token name, OIDC subject, front user, or "local"
  isTest: boolean;
  success: boolean;
  argsJson: string;
  resultJson: string | null;
  stdout: string | null;
  error: string | null;
  durationMs: number;
  requestId: string | null;
}

export interface ExecutionLogEntry extends ExecutionLogInput {
  seq: number;
}

export interface ExecutionLogQuery {
  tool?: string;
  /** Only entries with a larger seq (for following). */
  afterSeq?: number;
  /** Newest first up to this many (default 50). */
  limit?: number;
}

export interface RetentionPolicy {
  maxAgeMs: number;
  maxEntries: number;
}

export class ExecutionLogRepository {
  readonly #store: StateStore;
  constructor(store: StateStore) {
    this.#store = store;
  }

  /** Writes every entry in one transaction; returns their sequence numbers in order. */
  append(entries: readonly ExecutionLogInput[]): number[] {
    if (entries.length === 0) return [];
    const insert = this.#store.db.prepare(
      `INSERT INTO execution_logs (at, tool, server, revision, caller, is_test, success, args_json, result_json, stdout, error, duration_ms, request_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    return this.#store.transaction(() =>
      entries.map((e) =>
        Number(
          insert.run(e.at, e.tool, e.server, e.revision, e.caller, e.isTest ? 1 : 0, e.success ? 1 : 0, e.argsJson, e.resultJson, e.stdout, e.error, Math.round(e.durationMs), e.requestId)
            .lastInsertRowid,
        ),
      ),
    );
  }

  /** Newest first, or oldest first after `afterSeq` (following a stream). */
  query(q: ExecutionLogQuery = {}): ExecutionLogEntry[] {
    const limit = Math.max(1, Math.min(q.limit ?? 50, 10_000));
    const where: string[] = [];
    const params: Array<string | number> = [];
    if (q.tool !== undefined) {
      where.push('tool = ?');
      params.push(q.tool);
    }
    if (q.afterSeq !== undefined) {
      where.push('seq > ?');
      params.push(q.afterSeq);
    }
    const order = q.afterSeq === undefined ? 'DESC' : 'ASC';
    const sql = `SELECT * FROM execution_logs ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq ${order} LIMIT ${limit}`;
    return (this.#store.db.prepare(sql).all(...params) as unknown as RawEntry[]).map(fromRaw);
  }

  count(tool?: string): number {
    const row = (tool === undefined
      ? this.#store.db.prepare('SELECT COUNT(*) AS n FROM execution_logs').get()
      : this.#store.db.prepare('SELECT COUNT(*) AS n FROM execution_logs WHERE tool = ?').get(tool)) as { n: number };
    return Number(row.n);
  }

  /** Drops entries older than maxAgeMs and all but the newest maxEntries; returns how many went. */
  prune(policy: RetentionPolicy, now: Date = new Date()): number {
    const cutoff = new Date(now.getTime() - policy.maxAgeMs).toISOString();
    return this.#store.transaction(() => {
      const byAge = Number(this.#store.db.prepare('DELETE FROM execution_logs WHERE at < ?').run(cutoff).changes);
      const byCount = Number(
        this.#store.db
          .prepare('DELETE FROM execution_logs WHERE seq <= (SELECT seq FROM execution_logs ORDER BY seq DESC LIMIT 1 OFFSET ?)')
          .run(Math.max(0, Math.floor(policy.maxEntries))).changes,
      );
      return byAge + byCount;
    });
  }
}

interface RawEntry {
  seq: number;
  at: string;
  tool: string;
  server: string | null;
  revision: string | null;
  caller: string;
  is_test: number;
  success: number;
  args_json: string;
  result_json: string | null;
  stdout: string | null;
  error: string | null;
  duration_ms: number;
  request_id: string | null;
}

function fromRaw(r: RawEntry): ExecutionLogEntry {
  return {
    seq: Number(r.seq),
    at: r.at,
    tool: r.tool,
    server: r.server,
    revision: r.revision,
    caller: r.caller,
    isTest: r.is_test === 1,
    success: r.success === 1,
    argsJson: r.args_json,
    resultJson: r.result_json,
    stdout: r.stdout,
    error: r.error,
    durationMs: Number(r.duration_ms),
    requestId: r.request_id,
  };
}
