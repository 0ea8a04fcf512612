// The JS half of "a call leaves nothing behind". Everything Python schedules reaches JS as a timer or
// an immediate (Pyodide's scheduleCallback is setImmediate or setTimeout in Node), and Node carries
// the async context of whoever scheduled it into the callback. Each call runs in a context of its own;
// once the call's outcome is posted, that context is sealed, and a callback of a sealed call never
// runs — whatever route scheduled it (the event loop, a handle hidden from the runner's bookkeeping,
// the raw scheduleCallback, a task that escaped cancellation). This holds below anything tool code
// can reach inside the interpreter, so it does not depend on the runner's own checks being complete.

import { AsyncLocalStorage } from 'node:async_hooks';

interface CallContext {
  sealed: boolean;
}

const current = new AsyncLocalStorage<CallContext>();

type Scheduler = (callback: (...args: unknown[]) => unknown, ...rest: unknown[]) => unknown;

function guard(schedule: Scheduler): Scheduler {
  return function scheduleInCall(callback, ...rest) {
    if (typeof callback !== 'function') return schedule(callback, ...rest);
    return schedule(function runUnlessSealed(this: unknown, ...args: unknown[]) {
      // The store here is the one in force where the callback was scheduled.
      if (current.getStore()?.sealed) return undefined;
      return callback.apply(this, args);
    }, ...rest);
  };
}

/** Once per worker, before Pyodide loads: route the global schedulers through the seal check. */
export function installCallScope(): void {
  const g = globalThis as unknown as Record<string, Scheduler>;
  for (const name of ['setTimeout', 'setImmediate', 'setInterval', 'queueMicrotask'] as const) {
    const original = g[name]!.bind(globalThis) as Scheduler;
    Object.defineProperty(globalThis, name, { value: guard(original), writable: false, configurable: false });
  }
}

export interface CallScope {
  /** Runs `body` in the call's context: what it schedules belongs to the call. */
  enter<T>(body: () => T): T;
  /** From now on no callback scheduled in this call's context runs. */
  seal(): void;
}

/** A fresh context for one call. */
export function openCallScope(): CallScope {
  const context: CallContext = { sealed: false };
  return {
    enter: (body) => current.run(context, body),
    seal: () => {
      context.sealed = true;
    },
  };
}
