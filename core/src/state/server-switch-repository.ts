// Runtime start/stop of MCP servers: an admin's switch, not desired state (the repo's `enabled`
// says whether a server exists at all; this says whether it is running now). Survives restarts.
import type { StateStore } from './state-store.ts';

export interface ServerSwitch {
  server: string;
  running: boolean;
  changedAt: string;
}

export class ServerSwitchRepository {
  readonly #store: StateStore;
  constructor(store: StateStore) {
    this.#store = store;
  }

  set(server: string, running: boolean): ServerSwitch {
    const changedAt = new Date().toISOString();
    this.#store.db
      .prepare(
        `INSERT INTO server_switches (server, running, changed_at) VALUES (?, ?, ?)
         ON CONFLICT (server) DO UPDATE SET running = excluded.running, changed_at = excluded.changed_at`,
      )
      .run(server, running ? 1 : 0, changedAt);
    return { server, running, changedAt };
  }

  /** The switch of one server; a server never switched is running (start is lazy on first call). */
  get(server: string): ServerSwitch {
    const row = this.#store.db.prepare('SELECT server, running, changed_at FROM server_switches WHERE server = ?').get(server) as
      | { server: string; running: number; changed_at: string }
      | undefined;
    return row ? { server: row.server, running: row.running === 1, changedAt: row.changed_at } : { server, running: true, changedAt: '' };
  }

  all(): ServerSwitch[] {
    const rows = this.#store.db.prepare('SELECT server, running, changed_at FROM server_switches ORDER BY server').all() as Array<{
      server: string;
      running: number;
      changed_at: string;
    }>;
    return rows.map((r) => ({ server: r.server, running: r.running === 1, changedAt: r.changed_at }));
  }
}
