// Server secrets as the rest of the product sees them: set, remove, list names (never values), and
// the plaintext mapping of one server for its own sandbox child only.
import { SECRET_NAME_MAX_LENGTH, SECRET_NAME_PATTERN, isValidName } from '../format/names.ts';
import { SecretRepository } from '../state/secret-repository.ts';
import type { StateStore } from '../state/state-store.ts';
import type { SecretCipher } from './secret-cipher.ts';

export class SecretNameError extends Error {
  readonly code = 'SECRET_NAME_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'SecretNameError';
  }
}

export interface SecretEntry {
  server: string;
  name: string;
  updatedAt: string;
}

export class SecretStore {
  readonly #rows: SecretRepository;
  readonly #cipher: SecretCipher;

  constructor(store: StateStore, cipher: SecretCipher) {
    this.#rows = new SecretRepository(store);
    this.#cipher = cipher;
  }

  set(server: string, name: string, value: string): SecretEntry {
    checkNames(server, name);
    if (value.length === 0) throw new SecretNameError(`the value of ${server}/${name} is empty; pass the value on stdin`);
    const updatedAt = this.#rows.put(server, name, this.#cipher.seal(server, name, value));
    return { server, name, updatedAt };
  }

  remove(server: string, name: string): boolean {
    checkNames(server, name);
    return this.#rows.remove(server, name);
  }

  has(server: string, name: string): boolean {
    return this.#rows.get(server, name) !== undefined;
  }

  /** Names and times only: listing never decrypts anything. */
  list(server?: string): SecretEntry[] {
    return this.#rows.list(server).map((r) => ({ server: r.server, name: r.name, updatedAt: r.updatedAt }));
  }

  /**
   * Plaintext values of `server` restricted to `declared` names (what main's server.yaml declares),
   * for that server's sandbox child only.
   */
  valuesFor(server: string, declared: readonly string[]): Record<string, string> {
    const wanted = new Set(declared);
    const values: Record<string, string> = {};
    for (const row of this.#rows.list(server)) {
      if (wanted.has(row.name)) values[row.name] = this.#cipher.open(server, row.name, row.sealed);
    }
    return values;
  }

  /** Every value `server` holds, declared or not: only to keep them out of logs. */
  allValues(server: string): string[] {
    return this.#rows.list(server).map((row) => this.#cipher.open(server, row.name, row.sealed));
  }
}

function checkNames(server: string, name: string): void {
  if (!isValidName(server)) throw new SecretNameError(`"${server}" is not a server name: use lower-case letters, digits and single underscores`);
  if (name.length > SECRET_NAME_MAX_LENGTH || !SECRET_NAME_PATTERN.test(name)) {
    throw new SecretNameError(`"${name}" is not a secret name: use upper-case letters, digits and underscores, starting with a letter (e.g. API_TOKEN)`);
  }
}
