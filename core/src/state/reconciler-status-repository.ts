// Where the reconciler keeps its status (one JSON document, replaced whole) and the history of its
// attempts. The shapes are owned and validated by the reconciler; this repository stores JSON.
import type { StateStore } from './state-store.ts';

export interface HistoryRecord {
  revision: string;
  digest: string | null;
  duration_ms: number;
  result: string; // e.g. "applied", "failed", "unchanged"
  message?: string;
  at: string; // ISO time
}

/** How many history rows are kept on disk (the status shows fewer). */
const HISTORY_KEPT = 100;

export class ReconcilerStatusRepository {
  readonly #store: StateStore;
  constructor(store: StateStore) {
    this.#store = store;
  }

  /** The last saved status document, or null when the reconciler never ran in this data dir. */
  load(): unknown {
    const row = this.#store.db.prepare('SELECT status_json FROM reconciler_status WHERE id = 1').get() as
      | { status_json: string }
      | undefined;
    return row ? JSON.parse(row.status_json) : null;
  }

  /** Replace the status and (optionally) add a history row, in one durable transaction. */
  save(status: unknown, history?: HistoryRecord): void {
    const { db } = this.#store;
    this.#store.transaction(() => {
      db.prepare(
        `INSERT INTO reconciler_status (id, status_json, updated_at) VALUES (1, ?, ?)
         ON CONFLICT (id) DO UPDATE SET status_json = excluded.status_json, updated_at = excluded.updated_at`,
      ).run(JSON.stringify(status), new Date().toISOString());
      if (history) {
        db.prepare(
          'INSERT INTO reconciler_history (revision, digest, duration_ms, result, message, at) VALUES (?, ?, ?, ?, ?, ?)',
        ).run(history.revision, history.digest, Math.round(history.duration_ms), history.result, history.message ?? null, history.at);
        db.prepare('DELETE FROM reconciler_history WHERE seq <= (SELECT MAX(seq) FROM reconciler_history) - ?').run(HISTORY_KEPT);
      }
    });
  }

  /** The most recent history rows, newest first. */
  history(limit: number): HistoryRecord[] {
    const rows = this.#store.db
      .prepare('SELECT revision, digest, duration_ms, result, message, at FROM reconciler_history ORDER BY seq DESC LIMIT ?')
      .all(limit) as Array<{ revision: string; digest: string | null; duration_ms: number; result: string; message: string | null; at: string }>;
    return rows.map((r) => ({
      revision: r.revision,
      digest: r.digest,
      duration_ms: Number(r.duration_ms),
      result: r.result,
      ...(r.message === null ? {} : { message: r.message }),
      at: r.at,
    }));
  }
}
