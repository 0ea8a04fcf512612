// Manual "reconcile now" requests (Flux's requestedAt / lastHandledReconcileAt): another process
// (the `mcpbox reconcile` CLI) inserts a token; the running reconciler picks it up, handles it and
// records the outcome, which the requester reads back.
import { randomUUID } from 'node:crypto';
import type { StateStore } from './state-store.ts';

export interface ReconcileRequest {
  token: string;
  requestedAt: string;
  handledAt: string | null;
  outcome: unknown;
}

interface RequestRow {
  token: string;
  requested_at: string;
  handled_at: string | null;
  outcome_json: string | null;
}

const toRequest = (r: RequestRow): ReconcileRequest => ({
  token: r.token,
  requestedAt: r.requested_at,
  handledAt: r.handled_at,
  outcome: r.outcome_json === null ? null : JSON.parse(r.outcome_json),
});

export class ReconcileRequestRepository {
  readonly #store: StateStore;
  constructor(store: StateStore) {
    this.#store = store;
  }

  /** Record a new request and return its token (time-ordered so tokens sort by request time). */
  create(): ReconcileRequest {
    const requestedAt = new Date().toISOString();
    const token = `${requestedAt}#${randomUUID().slice(0, 8)}`;
    this.#store.db.prepare('INSERT INTO reconcile_requests (token, requested_at) VALUES (?, ?)').run(token, requestedAt);
    return { token, requestedAt, handledAt: null, outcome: null };
  }

  pending(): ReconcileRequest[] {
    const rows = this.#store.db
      .prepare('SELECT token, requested_at, handled_at, outcome_json FROM reconcile_requests WHERE handled_at IS NULL ORDER BY requested_at')
      .all() as unknown as RequestRow[];
    return rows.map(toRequest);
  }

  get(token: string): ReconcileRequest | null {
    const row = this.#store.db
      .prepare('SELECT token, requested_at, handled_at, outcome_json FROM reconcile_requests WHERE token = ?')
      .get(token) as RequestRow | undefined;
    return row ? toRequest(row) : null;
  }

  markHandled(tokens: string[], outcome: unknown): void {
    if (tokens.length === 0) return;
    const handledAt = new Date().toISOString();
    const stmt = this.#store.db.prepare('UPDATE reconcile_requests SET handled_at = ?, outcome_json = ? WHERE token = ?');
    this.#store.transaction(() => {
      for (const token of tokens) stmt.run(handledAt, JSON.stringify(outcome), token);
    });
  }
}
