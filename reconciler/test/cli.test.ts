// The validate, status and reconcile verbs, run as a user runs them: `bin/mcpbox.js` in a child
// process, against real repos, a real state store and a reconciler running in this process.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { openStateStore } from '@mcpbox/core';
import type { StateStore } from '@mcpbox/core';
import { createSandbox } from '@mcpbox/sandbox';
import type { Sandbox } from '@mcpbox/sandbox';
import { GitRevisionSource, Reconciler } from '@mcpbox/reconciler';
import { BASE_FILES, serverFile, toolCode, ToolsRepoFixture } from './support/tools-repo-fixture.ts';

const BIN = new URL('../../bin/mcpbox.js', import.meta.url).pathname;
const roots: string[] = [];
let sandbox: Sandbox;
let sandboxDir: string;
const cleanups: Array<() => Promise<void> | void> = [];

beforeAll(() => {
  sandboxDir = tempDir();
  sandbox = createSandbox({ dataDir: sandboxDir });
});
afterAll(async () => {
  for (const c of cleanups) await c();
  await sandbox?.close();
  for (const d of roots) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'mcpbox-cli-'));
  roots.push(d);
  return d;
}

function mcpbox(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: { ...process.env, MCPBOX_DATA_DIR: sandboxDir, NO_COLOR: '1', ...env } }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

function writeTree(root: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
}

const goodFiles = { ...BASE_FILES, 'servers/weather/server.yaml': serverFile(), 'servers/weather/tools/forecast.py': toolCode('city') };

describe('mcpbox validate', () => {
  it('a valid work tree exits 0', async () => {
    const dir = tempDir();
    writeTree(dir, goodFiles);
    const r = await mcpbox(['validate', dir]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('valid: 1 tool');
  });

  it('problems print one per line as file:line:col: message and exit 1; --json prints {valid, problems}', async () => {
    const dir = tempDir();
    writeTree(dir, {
      ...goodFiles,
      'servers/weather/tools/broken.py': 'async def main(x: str) -> dict:\n    return {"x": x\n',
      'servers/weather/tools/net.py': 'import socket\n\nasync def main(h: str) -> dict:\n    return {}\n',
    });
    const r = await mcpbox(['validate', dir]);
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines.some((l) => /^servers\/weather\/tools\/broken\.py:\d+:\d+: /.test(l))).toBe(true);
    expect(lines.some((l) => /^servers\/weather\/tools\/net\.py:1:1: module 'socket' is not allowed/.test(l))).toBe(true);
    expect(r.stderr).not.toMatch(/\n\s+at /); // never a stack trace

    const j = await mcpbox(['validate', dir, '--json']);
    expect(j.code).toBe(1);
    const parsed = JSON.parse(j.stdout) as { valid: boolean; problems: Array<{ file: string; line?: number }> };
    expect(parsed.valid).toBe(false);
    expect(parsed.problems.map((p) => p.file)).toEqual(expect.arrayContaining(['servers/weather/tools/broken.py', 'servers/weather/tools/net.py']));
  });

  it('a bare repo is read at --rev (default main); a bad rev or path is a usage error (exit 2)', async () => {
    const repo = new ToolsRepoFixture(tempDir());
    const good = repo.commit(goodFiles);
    repo.commit({ 'mcpbox.yaml': 'apiVersion: mcpbox/v9\n' });
    expect((await mcpbox(['validate', repo.gitDir])).code).toBe(1);
    expect((await mcpbox(['validate', repo.gitDir, '--rev', good])).code).toBe(0);
    const bad = await mcpbox(['validate', repo.gitDir, '--rev', 'no-such-branch']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^mcpbox: /);
    expect((await mcpbox(['validate', join(tempDir(), 'missing')])).code).toBe(2);
  });
});

describe('mcpbox status and mcpbox reconcile', () => {
  let store: StateStore;
  let reconciler: Reconciler;
  let dataDir: string;
  let repo: ToolsRepoFixture;

  beforeAll(async () => {
    repo = new ToolsRepoFixture(tempDir());
    repo.commit(goodFiles);
    dataDir = join(tempDir(), 'data');
    store = openStateStore(dataDir);
    reconciler = new Reconciler({ dataDir, store, source: new GitRevisionSource(repo.gitDir), sandbox, pollIntervalMs: 0, requestPollMs: 50 });
    cleanups.push(async () => {
      await reconciler.stop();
      store.close();
    });
    await reconciler.start();
    await reconciler.idle();
  });

  it('status --json prints the status object with its public names', async () => {
    const r = await mcpbox(['status', '--json'], { MCPBOX_DATA_DIR: dataDir });
    expect(r.code).toBe(0);
    const status = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(status).sort()).toEqual(['conditions', 'errors', 'history', 'lastAppliedRevision', 'lastAttemptedRevision', 'observedRevision']);
    expect(status.lastAppliedRevision).toBe(repo.head());
    const human = await mcpbox(['status'], { MCPBOX_DATA_DIR: dataDir });
    expect(human.stdout).toContain(repo.head().slice(0, 12));
    expect(human.stdout).toMatch(/Ready\s+True/);
  });

  it('status without any reconciler data says where it looked (exit 1)', async () => {
    const r = await mcpbox(['status'], { MCPBOX_DATA_DIR: join(tempDir(), 'empty') });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no reconciler status in .*mcpbox up/);
  });

  it('reconcile is picked up by the running reconciler, which echoes the token', async () => {
    const next = repo.commit({ 'servers/weather/tools/alerts.py': toolCode('region') });
    const r = await mcpbox(['reconcile', '--json'], { MCPBOX_DATA_DIR: dataDir });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { token: string; outcome: { result: string; revision: string } };
    // (the watcher may have applied the push already; either way main is what is served)
    expect(['applied', 'unchanged']).toContain(out.outcome.result);
    expect(out.outcome.revision).toBe(next);
    expect(reconciler.registry.current()!.tools.has('weather__alerts')).toBe(true);
    expect(reconciler.status().lastHandledReconcileAt).toBe(out.token);
  });

  it('reconcile with nobody listening gives up after --timeout (exit 1)', async () => {
    const lonely = join(tempDir(), 'data');
    openStateStore(lonely).close();
    const r = await mcpbox(['reconcile', '--timeout', '0.3'], { MCPBOX_DATA_DIR: lonely });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no running gateway handled the request within 0.3 s/);
  });
});
