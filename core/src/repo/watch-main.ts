// Fires when refs/heads/main moves, whoever moved it: this process (in-process event, instant),
// another mcpbox process, or a plain `git push`. Git replaces ref files by renaming `main.lock`
// over `main`, and `git pack-refs`/`gc` rewrites `packed-refs`, so we watch the two directories
// rather than the file, debounce, and trust only a re-resolved sha. A slow poll backs up
// file systems where fs.watch is unreliable (network mounts, some containers).
import { watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { tryResolveCommit } from '../git/resolve.ts';
import { onMainMoved, type MainMoved } from './main-events.ts';

export interface WatchMainOptions {
  debounceMs?: number;
  /** Safety-net poll; 0 disables it. */
  pollMs?: number;
  /** Called when re-resolving main fails (e.g. the repo was removed); the watcher keeps going. */
  onError?: (err: unknown) => void;
}

export interface MainWatcher {
  /** Resolves once the starting sha is known, so no move after it can be missed. */
  ready: Promise<void>;
  /** The sha of main as last seen. */
  current(): string | undefined;
  close(): void;
}

const MAIN = 'refs/heads/main';

export function watchMain(gitDir: string, callback: (event: MainMoved) => void, options: WatchMainOptions = {}): MainWatcher {
  const debounceMs = options.debounceMs ?? 30;
  const pollMs = options.pollMs ?? 5_000;
  let last: string | undefined;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let checking: Promise<void> = Promise.resolve();

  const check = (reason: string) => {
    checking = checking.then(async () => {
      if (closed) return;
      try {
        const now = await tryResolveCommit(gitDir, MAIN);
        if (closed || now === last) return;
        const previous = last;
        last = now;
        callback({ gitDir, previous, current: now, reason });
      } catch (err) {
        options.onError?.(err);
      }
    });
    return checking;
  };
  const schedule = () => {
    if (closed) return;
    clearTimeout(timer);
    timer = setTimeout(() => void check('push'), debounceMs);
  };

  const watchers: FSWatcher[] = [];
  for (const dir of [join(gitDir, 'refs', 'heads'), gitDir]) {
    try {
      const w = watch(dir, { persistent: false }, (_event, name) => {
        if (name === null || name === 'main' || name === 'main.lock' || name === 'packed-refs' || name === 'packed-refs.lock') schedule();
      });
      w.on('error', (err) => options.onError?.(err));
      watchers.push(w);
    } catch (err) {
      options.onError?.(err);
    }
  }
  const unsubscribe = onMainMoved(gitDir, (event) => void check(event.reason));
  const poll = pollMs > 0 ? setInterval(() => void check('poll'), pollMs) : undefined;
  poll?.unref();

  const ready = tryResolveCommit(gitDir, MAIN).then(
    (sha) => {
      last = sha;
    },
    (err) => options.onError?.(err),
  );
  checking = ready;

  return {
    ready,
    current: () => last,
    close() {
      closed = true;
      clearTimeout(timer);
      if (poll) clearInterval(poll);
      unsubscribe();
      for (const w of watchers) w.close();
    },
  };
}
