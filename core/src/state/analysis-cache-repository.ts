// Sandbox analyses by content address: the blob id of a tool's code plus the analyzer's identity
// (its Pyodide version and analyzer revision), so an unchanged tool is never analyzed twice, even
// across restarts, and a new analyzer starts from a clean slate. Values are JSON owned by the sandbox.
import type { StateStore } from './state-store.ts';

/** SQLite's default limit on bound parameters is 32766; stay well under it per query. */
const LOOKUP_CHUNK = 500;

export class AnalysisCacheRepository {
  readonly #store: StateStore;
  readonly #analyzer: string;
  constructor(store: StateStore, analyzer: string) {
    this.#store = store;
    this.#analyzer = analyzer;
  }

  get(blob: string): unknown {
    const row = this.#store.db
      .prepare('SELECT analysis_json FROM analysis_cache WHERE blob = ? AND analyzer = ?')
      .get(blob, this.#analyzer) as { analysis_json: string } | undefined;
    return row ? JSON.parse(row.analysis_json) : undefined;
  }

  /** Cached analyses of the given blobs; blobs never analyzed are absent from the map. */
  getMany(blobs: Iterable<string>): Map<string, unknown> {
    const unique = [...new Set(blobs)];
    const found = new Map<string, unknown>();
    for (let i = 0; i < unique.length; i += LOOKUP_CHUNK) {
      const chunk = unique.slice(i, i + LOOKUP_CHUNK);
      const rows = this.#store.db
        .prepare(`SELECT blob, analysis_json FROM analysis_cache WHERE analyzer = ? AND blob IN (${chunk.map(() => '?').join(',')})`)
        .all(this.#analyzer, ...chunk) as Array<{ blob: string; analysis_json: string }>;
      for (const r of rows) found.set(r.blob, JSON.parse(r.analysis_json));
    }
    return found;
  }

  putMany(entries: Iterable<[blob: string, analysis: unknown]>): void {
    const { db } = this.#store;
    const stmt = db.prepare(
      `INSERT INTO analysis_cache (blob, analyzer, analysis_json, created_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (blob, analyzer) DO UPDATE SET analysis_json = excluded.analysis_json`,
    );
    const now = new Date().toISOString();
    this.#store.transaction(() => {
      for (const [blob, analysis] of entries) stmt.run(blob, this.#analyzer, JSON.stringify(analysis), now);
    });
  }

  count(): number {
    const row = this.#store.db.prepare('SELECT COUNT(*) AS n FROM analysis_cache WHERE analyzer = ?').get(this.#analyzer) as { n: number };
    return Number(row.n);
  }
}
