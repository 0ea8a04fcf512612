// Starts a Pyodide worker thread. Deliberately free of zod and of the rest of the control plane so
// the child's entry can start its first worker before it loads anything else (worker boot and
// control-plane loading then overlap on two cores). Events that arrive before the control plane
// attaches its handlers are buffered, never lost.

import { Worker } from 'node:worker_threads';
import type { WorkerBoot } from './worker-protocol.ts';

export interface LaunchedWorker {
  worker: Worker;
  interrupt: Uint8Array;
  /** Attach the handlers; buffered messages (and an early exit) are replayed in order. `onExit` gets
   * the message of the uncaught error the worker died of, if it died of one. */
  attach(onMessage: (raw: unknown) => void, onExit: (error: string | undefined) => void): void;
}

export type WorkerInputs = Omit<WorkerBoot, 'interruptBuffer'>;

export function launchWorker(inputs: WorkerInputs): LaunchedWorker {
  const interrupt = new Uint8Array(new SharedArrayBuffer(1));
  const boot: WorkerBoot = { ...inputs, interruptBuffer: interrupt };
  const worker = new Worker(new URL('./py-worker.ts', import.meta.url), {
    workerData: boot, stdout: true, stderr: true, resourceLimits: { maxOldGenerationSizeMb: 256 },
  });
  forwardCapped(worker.stdout);
  forwardCapped(worker.stderr);
  const early: unknown[] = [];
  let exitedEarly = false;
  let messageHandler: ((raw: unknown) => void) | null = null;
  let exitHandler: ((error: string | undefined) => void) | null = null;
  let diedOf: string | undefined;
  worker.on('message', (raw: unknown) => (messageHandler ? messageHandler(raw) : early.push(raw)));
  worker.on('exit', () => (exitHandler ? exitHandler(diedOf) : (exitedEarly = true)));
  worker.on('error', (error) => {
    diedOf = String(error?.message ?? error).slice(0, 500);
    process.stderr.write(`worker error: ${diedOf}\n`);
  });
  return {
    worker,
    interrupt,
    attach(onMessage, onExit) {
      messageHandler = onMessage;
      exitHandler = onExit;
      for (const raw of early.splice(0)) onMessage(raw);
      if (exitedEarly) onExit(diedOf);
    },
  };
}

/** Worker console output goes to the child's stderr, capped so a flood cannot cost memory. */
function forwardCapped(stream: NodeJS.ReadableStream | null): void {
  let budget = 64 * 1024;
  stream?.on('data', (chunk: Buffer) => {
    if (budget <= 0) return;
    const part = chunk.subarray(0, budget);
    budget -= part.length;
    process.stderr.write(part);
  });
}
