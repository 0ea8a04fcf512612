// Sealed secret values by (server, name). Only ciphertext is stored; SecretStore seals and opens.
import type { StateStore } from './state-store.ts';

export interface SealedSecretRow {
  server: string;
  name: string;
  sealed: Uint8Array;
  updatedAt: string;
}

export class SecretRepository {
  readonly #store: StateStore;
  constructor(store: StateStore) {
    this.#store = store;
  }

  put(server: string, name: string, sealed: Uint8Array): string {
    const updatedAt = new Date().toISOString();
    this.#store.db
      .prepare(
        `INSERT INTO secrets (server, name, sealed, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (server, name) DO UPDATE SET sealed = excluded.sealed, updated_at = excluded.updated_at`,
      )
      .run(server, name, sealed, updatedAt);
    return updatedAt;
  }

  /** True when a row was removed. */
  remove(server: string, name: string): boolean {
    return Number(this.#store.db.prepare('DELETE FROM secrets WHERE server = ? AND name = ?').run(server, name).changes) > 0;
  }

  get(server: string, name: string): SealedSecretRow | undefined {
    const row = this.#store.db.prepare('SELECT server, name, sealed, updated_at FROM secrets WHERE server = ? AND name = ?').get(server, name) as RawRow | undefined;
    return row === undefined ? undefined : fromRaw(row);
  }

  /** Every sealed value of one server, or of every server when `server` is undefined. */
  list(server?: string): SealedSecretRow[] {
    const rows = (
      server === undefined
        ? this.#store.db.prepare('SELECT server, name, sealed, updated_at FROM secrets ORDER BY server, name').all()
        : this.#store.db.prepare('SELECT server, name, sealed, updated_at FROM secrets WHERE server = ? ORDER BY name').all(server)
    ) as unknown as RawRow[];
    return rows.map(fromRaw);
  }
}

interface RawRow {
  server: string;
  name: string;
  sealed: Uint8Array;
  updated_at: string;
}

function fromRaw(row: RawRow): SealedSecretRow {
  return { server: row.server, name: row.name, sealed: row.sealed, updatedAt: row.updated_at };
}
