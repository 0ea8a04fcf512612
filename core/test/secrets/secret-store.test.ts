import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ExecutionLogRepository, SecretCipher, SecretKeyError, SecretNameError, SecretStore, loadSecretCipher, openStateStore } from '../../src/index.ts';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mcpbox-secrets-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const VALUE = 'sk-live-7f3a9c1e5b2d4068';

describe('secret cipher', () => {
  it('generates a 0600 key file once and reuses it', () => {
    const dir = tempDir();
    const a = loadSecretCipher(dir, undefined);
    const mode = statSync(join(dir, 'secret.key')).mode & 0o777;
    expect(mode).toBe(0o600);
    const b = loadSecretCipher(dir, undefined);
    expect(b.open('weather', 'API_KEY', a.seal('weather', 'API_KEY', VALUE))).toBe(VALUE);
    expect(a.source).toBe('key file');
  });

  it('takes a 64-hex key from the environment and refuses anything else with a clear message', () => {
    const key = 'ab'.repeat(32);
    expect(loadSecretCipher(tempDir(), key).source).toBe('environment');
    expect(() => loadSecretCipher(tempDir(), 'not-hex')).toThrow(/MCPBOX_ENCRYPTION_KEY must be 64 hex characters/);
  });

  it('binds a value to its server and name: a ciphertext moved to another secret does not open', () => {
    const cipher = new SecretCipher(Buffer.alloc(32, 7), 'environment');
    const sealed = cipher.seal('weather', 'API_KEY', VALUE);
    expect(Buffer.from(sealed).includes(Buffer.from(VALUE))).toBe(false);
    expect(() => cipher.open('other', 'API_KEY', sealed)).toThrow(SecretKeyError);
    expect(() => cipher.open('weather', 'OTHER', sealed)).toThrow(SecretKeyError);
    const wrongKey = new SecretCipher(Buffer.alloc(32, 8), 'environment');
    expect(() => wrongKey.open('weather', 'API_KEY', sealed)).toThrow(/cannot be decrypted with this key/);
  });
});

describe('secret store', () => {
  it('stores only ciphertext, lists names, hands out declared values only, and removes', () => {
    const dir = tempDir();
    const store = openStateStore(dir);
    const secrets = new SecretStore(store, loadSecretCipher(dir, undefined));
    secrets.set('weather', 'API_KEY', VALUE);
    secrets.set('weather', 'UNDECLARED', 'another-long-value-123');
    expect(secrets.list('weather').map((s) => s.name)).toEqual(['API_KEY', 'UNDECLARED']);
    expect(secrets.has('weather', 'API_KEY')).toBe(true);
    expect(secrets.valuesFor('weather', ['API_KEY'])).toEqual({ API_KEY: VALUE });
    expect(secrets.valuesFor('other', ['API_KEY'])).toEqual({});
    store.db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    for (const file of readdirSync(dir)) {
      expect(readFileSync(join(dir, file)).includes(Buffer.from(VALUE)), file).toBe(false);
    }
    expect(secrets.remove('weather', 'API_KEY')).toBe(true);
    expect(secrets.remove('weather', 'API_KEY')).toBe(false);
    expect(() => secrets.set('Weather', 'API_KEY', 'x')).toThrow(SecretNameError);
    expect(() => secrets.set('weather', 'api_key', 'x')).toThrow(/not a secret name/);
    store.close();
  });
});

describe('execution log repository', () => {
  it('appends in one transaction, reads newest first or after a seq, and prunes by age and count', () => {
    const dir = tempDir();
    const store = openStateStore(dir);
    const logs = new ExecutionLogRepository(store);
    const entry = (tool: string, at: string) => ({
      at, tool, server: null, revision: 'abc', caller: 'local', isTest: false, success: true,
      argsJson: '{}', resultJson: '1', stdout: null, error: null, durationMs: 3, requestId: null,
    });
    const seqs = logs.append([entry('a', '2020-01-01T00:00:00.000Z'), entry('b', new Date().toISOString()), entry('a', new Date().toISOString())]);
    expect(seqs).toHaveLength(3);
    expect(logs.query({ tool: 'a' }).map((e) => e.seq)).toEqual([seqs[2], seqs[0]]);
    expect(logs.query({ afterSeq: seqs[0] }).map((e) => e.seq)).toEqual([seqs[1], seqs[2]]);
    expect(logs.prune({ maxAgeMs: 86_400_000, maxEntries: 1 })).toBe(2);
    expect(logs.query().map((e) => e.seq)).toEqual([seqs[2]]);
    store.close();
  });
});
