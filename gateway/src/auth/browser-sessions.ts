// Sessions of people signed in to the status site in a browser, which cannot send an Authorization
// header: a token checked once by the Authenticator is exchanged for a random session id carried in
// a cookie. In memory and bounded: a restart signs everyone out, and the oldest session goes first
// when the table is full. Only a hash of each id is kept, so the table holds no usable credential.
import { createHash, randomBytes } from 'node:crypto';
import type { Identity } from './identity.ts';

const BROWSER_SESSION_TTL_MS = 8 * 60 * 60 * 1000;
const BROWSER_SESSION_LIMIT = 1_000;

interface Session {
  identity: Identity;
  expires: number;
}

export interface BrowserSessionOptions {
  ttlMs?: number;
  limit?: number;
  now?: () => number;
}

export class BrowserSessions {
  readonly ttlMs: number;
  readonly #limit: number;
  readonly #now: () => number;
  // Insertion order is creation order, so the first key is the oldest session.
  readonly #sessions = new Map<string, Session>();

  constructor(options: BrowserSessionOptions = {}) {
    this.ttlMs = options.ttlMs ?? BROWSER_SESSION_TTL_MS;
    this.#limit = options.limit ?? BROWSER_SESSION_LIMIT;
    this.#now = options.now ?? Date.now;
  }

  /** A new session for an authenticated identity; returns its id (256 random bits, base64url). */
  create(identity: Identity): string {
    const id = randomBytes(32).toString('base64url');
    this.#sweep();
    while (this.#sessions.size >= this.#limit) this.#sessions.delete(this.#sessions.keys().next().value!);
    this.#sessions.set(keyOf(id), { identity, expires: this.#now() + this.ttlMs });
    return id;
  }

  /** The identity of a live session, or null for an unknown, revoked or expired id. */
  identityFor(id: string): Identity | null {
    const key = keyOf(id);
    const session = this.#sessions.get(key);
    if (session === undefined) return null;
    if (session.expires <= this.#now()) {
      this.#sessions.delete(key);
      return null;
    }
    return session.identity;
  }

  revoke(id: string): void {
    this.#sessions.delete(keyOf(id));
  }

  get size(): number {
    return this.#sessions.size;
  }

  #sweep(): void {
    const now = this.#now();
    for (const [key, session] of this.#sessions) if (session.expires <= now) this.#sessions.delete(key);
  }
}

function keyOf(id: string): string {
  return createHash('sha256').update(id).digest('base64url');
}
