// Static named bearer tokens. Every presented token is compared with every configured one in
// constant time (over SHA-256 digests, so lengths do not leak either) and without an early exit.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { NamedToken } from './auth-settings.ts';

export class BearerTokenTable {
  readonly #entries: Array<{ name: string; digest: Buffer }>;

  constructor(tokens: readonly NamedToken[]) {
    this.#entries = tokens.map((t) => ({ name: t.name, digest: digest(t.token) }));
  }

  /** The name of the matching token, or undefined. */
  match(presented: string): string | undefined {
    const candidate = digest(presented);
    let found: string | undefined;
    for (const entry of this.#entries) {
      if (timingSafeEqual(entry.digest, candidate) && found === undefined) found = entry.name;
    }
    return found;
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** Constant-time equality of two secrets of any length. */
export function secretEquals(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}
