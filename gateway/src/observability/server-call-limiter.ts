// A cap on concurrent calls per MCP server, with a bounded queue behind it: one busy server cannot
// take every slot of the gateway, and a caller past the queue gets a clear "busy" answer at once
// instead of waiting without end.
export class ServerBusyError extends Error {
  readonly code = 'server_busy';
}

interface Lane {
  active: number;
  waiting: Array<() => void>;
}

export class ServerCallLimiter {
  readonly #maxConcurrent: number;
  readonly #maxQueued: number;
  readonly #lanes = new Map<string, Lane>();

  constructor(maxConcurrent: number, maxQueued: number) {
    this.#maxConcurrent = Math.max(1, maxConcurrent);
    this.#maxQueued = Math.max(0, maxQueued);
  }

  async run<T>(server: string, work: () => Promise<T>): Promise<T> {
    let lane = this.#lanes.get(server);
    if (lane === undefined) {
      lane = { active: 0, waiting: [] };
      this.#lanes.set(server, lane);
    }
    if (lane.active >= this.#maxConcurrent) {
      if (lane.waiting.length >= this.#maxQueued) {
        throw new ServerBusyError(
          `Server "${server}" is busy: ${this.#maxConcurrent} calls are running and ${lane.waiting.length} are queued. Try again in a few seconds.`,
        );
      }
      await new Promise<void>((resolve) => lane.waiting.push(resolve));
    } else {
      lane.active++;
    }
    try {
      return await work();
    } finally {
      const next = lane.waiting.shift();
      // The slot passes straight to the next waiter; otherwise it is freed.
      if (next !== undefined) next();
      else if (--lane.active === 0) this.#lanes.delete(server);
    }
  }
}
