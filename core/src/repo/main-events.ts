// In-process notice that `main` moved, keyed by repository. Local merges and reverts announce here
// so the reconciler in the same process reacts at once; `watchMain` covers other processes.
import { EventEmitter } from 'node:events';
import { resolve } from 'node:path';

export interface MainMoved {
  gitDir: string;
  previous: string | undefined;
  current: string | undefined;
  /** What moved it: 'merge', 'revert', 'push' (seen on disk), … */
  reason: string;
}

const bus = new EventEmitter();
bus.setMaxListeners(0);

function key(gitDir: string): string {
  return `main:${resolve(gitDir)}`;
}

export function announceMainMoved(event: MainMoved): void {
  bus.emit(key(event.gitDir), event);
}

/** Subscribes to in-process main moves of one repository; returns the unsubscribe function. */
export function onMainMoved(gitDir: string, listener: (event: MainMoved) => void): () => void {
  bus.on(key(gitDir), listener);
  return () => bus.off(key(gitDir), listener);
}
