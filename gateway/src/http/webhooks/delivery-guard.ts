// Drops replays: each delivery id (X-GitHub-Delivery, X-Gitea-Delivery, X-Forgejo-Delivery) is
// accepted once. A captured, correctly signed request replayed later is refused. Bounded memory:
// the oldest ids are forgotten first, which only matters for replays of very old deliveries,
// and those still only cause a fetch.
export class DeliveryGuard {
  readonly #seen = new Set<string>();
  readonly #capacity: number;

  constructor(capacity = 10_000) {
    this.#capacity = capacity;
  }

  /** True the first time an id is seen. */
  accept(id: string): boolean {
    if (this.#seen.has(id)) return false;
    this.#seen.add(id);
    if (this.#seen.size > this.#capacity) this.#seen.delete(this.#seen.values().next().value!);
    return true;
  }
}
