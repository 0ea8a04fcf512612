// Turns a verified webhook into reconciler pokes. The payload is never trusted: it only says
// "look now", and the reconciler fetches main itself. The pushed commit id, when the payload
// names one, is used as a hint of when to stop looking: a forge may deliver the webhook before the
// commit is fetchable (flux2#479), so while the mirror lacks it the poke is repeated with backoff.
// Polling stays as the backstop.
export interface PokeSchedulerOptions {
  poke(reason: string): void;
  /** Whether the mirror already has a commit (omit when there is no mirror: nothing to wait for). */
  has?(sha: string): Promise<boolean>;
  retryDelaysMs?: number[];
}

const DEFAULT_RETRY_DELAYS_MS = [1_000, 2_000, 4_000, 8_000, 16_000];

export class PokeScheduler {
  readonly #options: PokeSchedulerOptions;
  readonly #timers = new Set<NodeJS.Timeout>();
  #closed = false;

  constructor(options: PokeSchedulerOptions) {
    this.#options = options;
  }

  poke(reason: string, expectedCommit?: string): void {
    if (this.#closed) return;
    this.#options.poke(reason);
    if (expectedCommit !== undefined && this.#options.has && /^[0-9a-f]{40}$/.test(expectedCommit) && !/^0+$/.test(expectedCommit)) {
      this.#retry(reason, expectedCommit, 0);
    }
  }

  close(): void {
    this.#closed = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
  }

  #retry(reason: string, sha: string, attempt: number): void {
    const delays = this.#options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
    const delay = delays[attempt];
    if (delay === undefined || this.#closed) return;
    const timer = setTimeout(async () => {
      this.#timers.delete(timer);
      if (this.#closed) return;
      let present = false;
      try {
        present = await this.#options.has!(sha);
      } catch {
        present = false;
      }
      if (present || this.#closed) return;
      this.#options.poke(`${reason} (retry ${attempt + 1}: ${sha.slice(0, 12)} not fetched yet)`);
      this.#retry(reason, sha, attempt + 1);
    }, delay);
    timer.unref();
    this.#timers.add(timer);
  }
}
