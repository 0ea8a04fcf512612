import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import {
  AnalysisCacheRepository,
  openStateStore,
  ReconcileRequestRepository,
  ReconcilerStatusRepository,
  ServerSwitchRepository,
  StateStoreError,
} from '@mcpbox/core';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'mcpbox-state-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('state store', () => {
  it('creates the schema once and reopens at the same version', () => {
    const dir = tempDir();
    const a = openStateStore(dir);
    const version = (a.db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version;
    expect(version).toBeGreaterThanOrEqual(1);
    expect((a.db.prepare('PRAGMA journal_mode').get() as { journal_mode: string }).journal_mode).toBe('wal');
    a.close();
    const b = openStateStore(dir);
    expect((b.db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version).toBe(version);
    b.close();
  });

  it('refuses a store written by a newer schema, naming what to do', () => {
    const dir = tempDir();
    const a = openStateStore(dir);
    a.db.exec('PRAGMA user_version = 999');
    a.close();
    try {
      openStateStore(dir);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(StateStoreError);
      expect((err as StateStoreError).code).toBe('STATE_STORE_TOO_NEW');
      expect((err as Error).message).toMatch(/Upgrade mcpbox/);
    }
  });

  it('keeps status, trims history newest first', () => {
    const store = openStateStore(tempDir());
    const repo = new ReconcilerStatusRepository(store);
    expect(repo.load()).toBeNull();
    for (let i = 0; i < 120; i++) {
      repo.save({ n: i }, { revision: `r${i}`, digest: null, duration_ms: i, result: 'applied', at: new Date().toISOString() });
    }
    expect(repo.load()).toEqual({ n: 119 });
    const h = repo.history(10);
    expect(h.map((e) => e.revision)).toEqual(['r119', 'r118', 'r117', 'r116', 'r115', 'r114', 'r113', 'r112', 'r111', 'r110']);
    expect(repo.history(1000)).toHaveLength(100);
    store.close();
  });

  it('caches analyses by blob and analyzer identity', () => {
    const store = openStateStore(tempDir());
    const v1 = new AnalysisCacheRepository(store, 'pyodide-1');
    const v2 = new AnalysisCacheRepository(store, 'pyodide-2');
    const many: Array<[string, unknown]> = Array.from({ length: 1200 }, (_, i) => [`blob${i}`, { valid: true, i }]);
    v1.putMany(many);
    expect(v1.get('blob7')).toEqual({ valid: true, i: 7 });
    expect(v2.get('blob7')).toBeUndefined();
    const found = v1.getMany(['blob0', 'blob1199', 'missing', 'blob0']);
    expect([...found.keys()].sort()).toEqual(['blob0', 'blob1199']);
    expect(v1.count()).toBe(1200);
    store.close();
  });

  it('records manual requests and their outcome', () => {
    const store = openStateStore(tempDir());
    const repo = new ReconcileRequestRepository(store);
    const a = repo.create();
    const b = repo.create();
    expect(repo.pending().map((r) => r.token)).toEqual([a.token, b.token]);
    repo.markHandled([a.token], { result: 'applied' });
    expect(repo.pending().map((r) => r.token)).toEqual([b.token]);
    expect(repo.get(a.token)?.outcome).toEqual({ result: 'applied' });
    expect(repo.get('nope')).toBeNull();
    store.close();
  });

  it('persists server switches; unswitched servers are running', () => {
    const dir = tempDir();
    const store = openStateStore(dir);
    const repo = new ServerSwitchRepository(store);
    expect(repo.get('weather').running).toBe(true);
    repo.set('weather', false);
    store.close();
    const again = new ServerSwitchRepository(openStateStore(dir));
    expect(again.get('weather').running).toBe(false);
    expect(again.all().map((s) => s.server)).toEqual(['weather']);
  });

  it('a committed write survives kill -9 of the writing process', async () => {
    const dir = tempDir();
    // The child commits a status, says so, then spins until killed.
    const script = `
      import { openStateStore, ReconcilerStatusRepository } from '@mcpbox/core';
      const store = openStateStore(${JSON.stringify(dir)});
      new ReconcilerStatusRepository(store).save({ committed: true });
      process.stdout.write('saved\\n');
      setInterval(() => {}, 1000);
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => d.toString().includes('saved') && resolve());
      child.on('exit', (code) => reject(new Error(`child exited early: ${code}`)));
    });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const store = openStateStore(dir);
    expect(new ReconcilerStatusRepository(store).load()).toEqual({ committed: true });
    store.close();
  });
});
