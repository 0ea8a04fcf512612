// Where the status lives: the state store (durable, one transaction per update) and a copy in
// `<dataDir>/status.json`, written atomically (temp file, fsync, rename) for the status site and
// for anyone who wants to `cat` it. Readers never see a half-written file.
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ReconcilerStatusRepository, STATE_DB_FILE, openStateStore } from '@mcpbox/core';
import type { HistoryRecord, StateStore } from '@mcpbox/core';
import { HISTORY_SHOWN, ReconcilerStatusSchema, initialStatus } from './status.ts';
import type { ReconcileHistoryEntry, ReconcilerStatus } from './status.ts';

export const STATUS_FILE = 'status.json';

export class StatusStore {
  readonly #repo: ReconcilerStatusRepository;
  readonly #file: string;

  constructor(store: StateStore, dataDir: string) {
    this.#repo = new ReconcilerStatusRepository(store);
    this.#file = join(dataDir, STATUS_FILE);
  }

  /** The persisted status, or a fresh one when none was saved (or it no longer validates). */
  load(): ReconcilerStatus {
    const parsed = ReconcilerStatusSchema.safeParse(this.#repo.load());
    return parsed.success ? parsed.data : initialStatus(new Date().toISOString());
  }

  /** Persist the status (and a history entry), then refresh status.json. Returns the saved value. */
  save(status: ReconcilerStatus, entry?: ReconcileHistoryEntry): ReconcilerStatus {
    const history: HistoryRecord | undefined = entry && { ...entry };
    const withHistory: ReconcilerStatus = entry
      ? { ...status, history: [entry, ...status.history].slice(0, HISTORY_SHOWN) }
      : status;
    this.#repo.save(withHistory, history);
    writeFileAtomic(this.#file, JSON.stringify(withHistory, null, 2) + '\n');
    return withHistory;
  }
}

function writeFileAtomic(path: string, text: string): void {
  const temp = `${path}.${process.pid}.tmp`;
  const fd = openSync(temp, 'w', 0o644);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
}

/**
 * The status as another process sees it (the CLI, the status tool): from the state store, or from
 * status.json when the store cannot be opened; null when the reconciler never ran here.
 */
export function readStatus(dataDir: string): ReconcilerStatus | null {
  if (existsSync(join(dataDir, STATE_DB_FILE))) {
    try {
      const store = openStateStore(dataDir);
      try {
        const parsed = ReconcilerStatusSchema.safeParse(new ReconcilerStatusRepository(store).load());
        if (parsed.success) return parsed.data;
      } finally {
        store.close();
      }
    } catch {
      // fall through to the file copy
    }
  }
  try {
    const parsed = ReconcilerStatusSchema.safeParse(JSON.parse(readFileSync(join(dataDir, STATUS_FILE), 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
