// One gateway per data dir: `mcpbox up` holds an exclusive lock on `<dataDir>/gateway.lock` for as
// long as it runs. The lock is SQLite's (node:sqlite, already the state store's engine): an open
// EXCLUSIVE transaction is a kernel file lock, so it is released when the process ends however it
// ends (kill -9 included) and a pid that was reused can never keep it; nothing stale to clean up.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { findRunningGateway } from './running-gateway.ts';

const DATA_DIR_LOCK_FILE = 'gateway.lock';

/** Another gateway serves the data dir. `message` says which and what to do. */
export class DataDirInUse extends Error {
  readonly code = 'data_dir_in_use';
  readonly dataDir: string;
  /** The other gateway's pid, when its record says. */
  readonly holder: number | null;
  constructor(dataDir: string, holder: { pid: number; url: string } | null) {
    super(
      holder === null
        ? `another mcpbox gateway is starting on the data dir ${dataDir}; stop it first, or give this one its own MCPBOX_DATA_DIR`
        : `another mcpbox gateway (pid ${holder.pid}, ${holder.url}) already serves the data dir ${dataDir}; stop it first, or give this one its own MCPBOX_DATA_DIR`,
    );
    this.name = 'DataDirInUse';
    this.dataDir = dataDir;
    this.holder = holder?.pid ?? null;
  }
}

export interface DataDirLock {
  release(): void;
}

const SQLITE_BUSY = 5;
// A `mcpbox stdio` probing the lock holds it (shared) for an instant; `up` waits that out.
const LOCK_WAIT_MS = 1_000;

/** Takes the data dir for this process, or throws DataDirInUse naming the gateway that has it. */
export function lockDataDir(dataDir: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const db = new DatabaseSync(join(dataDir, DATA_DIR_LOCK_FILE), { timeout: LOCK_WAIT_MS });
  try {
    db.exec('PRAGMA locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
  } catch (err) {
    db.close();
    if ((err as { errcode?: number }).errcode !== SQLITE_BUSY) throw err;
    const running = findRunningGateway(dataDir);
    throw new DataDirInUse(dataDir, running.state === 'live' ? running.gateway : null);
  }
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      db.close();
    },
  };
}

/** Whether a gateway holds the data dir now (a momentary shared read of the lock file; takes nothing). */
export function isDataDirLocked(dataDir: string): boolean {
  const path = join(dataDir, DATA_DIR_LOCK_FILE);
  if (!existsSync(path)) return false;
  const db = new DatabaseSync(path, { timeout: 0 });
  try {
    db.exec('BEGIN');
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    db.exec('COMMIT');
    return false;
  } catch (err) {
    if ((err as { errcode?: number }).errcode === SQLITE_BUSY) return true;
    throw err;
  } finally {
    db.close();
  }
}
