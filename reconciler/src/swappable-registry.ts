// The LiveRegistry the gateway reads. A revision is built completely off to the side and then
// installed with one reference assignment, so a reader sees the old revision or the new one,
// never a mix. Listeners run after the swap, once per applied revision.
import type { LiveRegistry, LiveRevision } from './registry.ts';

export interface RegistryLog {
  error(fields: object, message: string): void;
}

export class SwappableRegistry implements LiveRegistry {
  #current: LiveRevision | null = null;
  readonly #listeners = new Set<(next: LiveRevision, previous: LiveRevision | null) => void>();
  readonly #log: RegistryLog | undefined;

  constructor(log?: RegistryLog) {
    this.#log = log;
  }

  current(): LiveRevision | null {
    return this.#current;
  }

  onChange(listener: (next: LiveRevision, previous: LiveRevision | null) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Install a complete revision and tell listeners. A failing listener never undoes the swap. */
  swap(next: LiveRevision): void {
    const previous = this.#current;
    this.#current = next;
    for (const listener of [...this.#listeners]) {
      try {
        listener(next, previous);
      } catch (err) {
        this.#log?.error({ err: (err as Error).message }, 'a live-registry listener failed');
      }
    }
  }
}
