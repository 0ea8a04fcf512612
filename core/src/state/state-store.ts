// The embedded store for runtime data that is not desired state: reconciler status and
// history, the analysis cache, runtime server switches — and later execution logs and secrets.
// One SQLite file, `<dataDir>/state.db`, in WAL mode with synchronous=FULL so a committed write
// survives `kill -9` and power loss. Schema changes are numbered steps keyed on `user_version`.
import { DatabaseSync } from 'node:sqlite';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { MIGRATIONS } from './migrations.ts';

export class StateStoreError extends Error {
  readonly code: 'STATE_STORE_OPEN_FAILED' | 'STATE_STORE_TOO_NEW';
  constructor(code: StateStoreError['code'], message: string) {
    super(message);
    this.name = 'StateStoreError';
    this.code = code;
  }
}

export interface StateStore {
  readonly path: string;
  readonly db: DatabaseSync;
  /** Run `work` in one transaction (BEGIN IMMEDIATE, so concurrent writers queue instead of failing late). */
  transaction<T>(work: () => T): T;
  close(): void;
}

export const STATE_DB_FILE = 'state.db';

/** Open (creating if needed) the state store of a data dir and bring its schema up to date. */
export function openStateStore(dataDir: string): StateStore {
  const path = join(dataDir, STATE_DB_FILE);
  let db: DatabaseSync;
  try {
    mkdirSync(dataDir, { recursive: true });
    db = new DatabaseSync(path, { timeout: 5_000 });
    db.exec('PRAGMA journal_mode = WAL');
    db.exec('PRAGMA synchronous = FULL');
    db.exec('PRAGMA foreign_keys = ON');
  } catch (err) {
    throw new StateStoreError(
      'STATE_STORE_OPEN_FAILED',
      `cannot open the state store at ${path}: ${(err as Error).message}. Check that MCPBOX_DATA_DIR points at a writable directory.`,
    );
  }
  const transaction = <T>(work: () => T): T => {
    db.exec('BEGIN IMMEDIATE');
    try {
      const result = work();
      db.exec('COMMIT');
      return result;
    } catch (err) {
      db.exec('ROLLBACK');
      throw err;
    }
  };
  migrate(db, path, transaction);
  return { path, db, transaction, close: () => db.close() };
}

function migrate(db: DatabaseSync, path: string, transaction: <T>(work: () => T) => T): void {
  const current = Number((db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version);
  if (current > MIGRATIONS.length) {
    throw new StateStoreError(
      'STATE_STORE_TOO_NEW',
      `the state store at ${path} has schema version ${current}, newer than this mcpbox knows (${MIGRATIONS.length}). Upgrade mcpbox or use another MCPBOX_DATA_DIR.`,
    );
  }
  for (let version = current; version < MIGRATIONS.length; version++) {
    transaction(() => {
      db.exec(MIGRATIONS[version]!);
      // user_version cannot be bound as a parameter; it is our own integer.
      db.exec(`PRAGMA user_version = ${version + 1}`);
    });
  }
}
