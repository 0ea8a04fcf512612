// The reconciler against real parts: bare repos written with the git CLI, the real sandbox
// analyzing in its own child process, the real state store on disk.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { openStateStore, ReconcileRequestRepository } from '@mcpbox/core';
import type { StateStore } from '@mcpbox/core';
import { createSandbox } from '@mcpbox/sandbox';
import type { Sandbox } from '@mcpbox/sandbox';
import { GitRevisionSource, readStatus, Reconciler } from '@mcpbox/reconciler';
import type { ReconcilerStatus } from '@mcpbox/reconciler';
import { BASE_FILES, serverFile, toolCode, ToolsRepoFixture } from './support/tools-repo-fixture.ts';

const roots: string[] = [];
const stores: StateStore[] = [];
const reconcilers: Reconciler[] = [];
let sandbox: Sandbox;

beforeAll(() => {
  const cache = mkdtempSync(join(tmpdir(), 'mcpbox-rec-sandbox-'));
  roots.push(cache);
  sandbox = createSandbox({ dataDir: cache });
});

afterAll(async () => {
  for (const r of reconcilers) await r.stop();
  for (const s of stores) s.close();
  await sandbox?.close();
  for (const d of roots) rmSync(d, { recursive: true, force: true });
});

interface Setup {
  repo: ToolsRepoFixture;
  dataDir: string;
  reconciler: Reconciler;
  store: StateStore;
}

function setup(): Setup & { make: () => Reconciler } {
  const root = mkdtempSync(join(tmpdir(), 'mcpbox-rec-'));
  roots.push(root);
  const repo = new ToolsRepoFixture(root);
  const dataDir = join(root, 'data');
  const store = openStateStore(dataDir);
  stores.push(store);
  const make = () => {
    const r = new Reconciler({
      dataDir,
      store,
      source: new GitRevisionSource(repo.gitDir),
      sandbox,
      pollIntervalMs: 0,
      requestPollMs: 50,
      retry: { baseMs: 40, maxMs: 200, limit: 3 },
    });
    reconcilers.push(r);
    return r;
  };
  return { repo, dataDir, store, reconciler: make(), make };
}

const cond = (s: ReconcilerStatus, type: string) => s.conditions.find((c) => c.type === type)!;

async function settle(r: Reconciler, reason = 'test'): Promise<ReconcilerStatus> {
  r.poke(reason);
  await r.idle();
  return r.status();
}

const weather = (extra: Record<string, string | null> = {}) => ({
  ...BASE_FILES,
  'servers/weather/server.yaml': serverFile(),
  'servers/weather/tools/forecast.py': 'async def main(city: str, days: int = 3) -> dict:\n    """Forecast for a city."""\n    return {"city": city, "days": days}\n',
  ...extra,
});

describe('reconciler: main becomes the live registry', () => {
  it('a merged tool is served with its schema, and the status says so', async () => {
    const { repo, reconciler, dataDir } = setup();
    const sha = repo.commit(weather(), 'add forecast');
    await reconciler.start();
    await reconciler.idle();
    const live = reconciler.registry.current()!;
    expect(live.revision).toBe(sha);
    const tool = live.tools.get('weather__forecast')!;
    expect(tool.description).toBe('Forecast for a city.');
    expect(tool.inputSchema).toMatchObject({
      type: 'object',
      properties: { city: { type: 'string' }, days: { type: 'integer', default: 3 } },
      required: ['city'],
    });
    const status = reconciler.status();
    expect(status.lastAppliedRevision).toBe(sha);
    expect(status.observedRevision).toBe(sha);
    expect(cond(status, 'Ready')).toMatchObject({ status: 'True', reason: 'ReconciliationSucceeded' });
    expect(status.history[0]).toMatchObject({ revision: sha, result: 'applied', digest: live.digest });
    // The copy on disk matches, and another process reads the same.
    expect(JSON.parse(readFileSync(join(dataDir, 'status.json'), 'utf8')).lastAppliedRevision).toBe(sha);
    expect(readStatus(dataDir)?.lastAppliedRevision).toBe(sha);
  });

  it('a one-tool change analyzes one tool and carries the others over untouched', async () => {
    const { repo, reconciler } = setup();
    const files: Record<string, string> = { ...BASE_FILES, 'servers/text/server.yaml': serverFile() };
    for (let i = 0; i < 6; i++) files[`servers/text/tools/t${i}.py`] = toolCode('text', `Tool ${i}.`);
    repo.commit(files);
    await reconciler.start();
    await reconciler.idle();
    const before = reconciler.registry.current()!;
    expect(before.tools.size).toBe(6);
    const analyzedBefore = reconciler.analyzer.analyzedTotal;

    repo.commit({ 'servers/text/tools/t3.py': toolCode('words', 'Tool three, changed.') });
    const status = await settle(reconciler);
    const after = reconciler.registry.current()!;
    expect(status.lastAppliedRevision).toBe(repo.head());
    expect(reconciler.analyzer.analyzedTotal - analyzedBefore).toBe(1);
    expect(after.tools.get('text__t3')!.description).toBe('Tool three, changed.');
    expect(after.tools.get('text__t3')!.inputSchema).toMatchObject({ required: ['words'] });
    for (const id of ['text__t0', 'text__t1', 'text__t2', 'text__t4', 'text__t5']) expect(after.tools.get(id)).toBe(before.tools.get(id));
    expect(after.digest).not.toBe(before.digest);
  });

  it('notifies once per applied revision, and a reader only ever sees whole revisions', async () => {
    const { repo, reconciler } = setup();
    repo.commit(weather());
    const seen: Array<[string, string | undefined]> = [];
    reconciler.registry.onChange((next, previous) => seen.push([next.revision, previous?.revision]));
    await reconciler.start();
    await reconciler.idle();
    const first = repo.head();
    repo.commit({ 'servers/weather/tools/alerts.py': toolCode('region', 'Alerts.') });
    await settle(reconciler);
    expect(seen).toEqual([
      [first, undefined],
      [repo.head(), first],
    ]);
    const live = reconciler.registry.current()!;
    expect([...live.tools.keys()].sort()).toEqual(['weather__alerts', 'weather__forecast']);
    expect(live.state.revision).toBe(live.revision);
  });

  it('invalid YAML on main: the last good revision keeps serving, the status names file and line, no hot loop', async () => {
    const { repo, reconciler } = setup();
    const good = repo.commit(weather());
    await reconciler.start();
    await reconciler.idle();
    const goodDigest = reconciler.registry.current()!.digest;
    const bad = repo.commit({ 'servers/weather/server.yaml': 'description: broken\nenabled: [true\n' });
    const status = await settle(reconciler);
    expect(reconciler.registry.current()!.revision).toBe(good);
    expect(reconciler.registry.current()!.digest).toBe(goodDigest);
    expect(status.lastAppliedRevision).toBe(good);
    expect(status.lastAttemptedRevision).toBe(bad);
    expect(cond(status, 'Ready')).toMatchObject({ status: 'False', reason: 'ValidationFailed' });
    expect(cond(status, 'Ready').message).toContain(`still serving revision ${good.slice(0, 12)}`);
    expect(cond(status, 'Stalled')).toMatchObject({ status: 'True', reason: 'ValidationFailed' });
    expect(status.errors.length).toBeGreaterThan(0);
    expect(status.errors[0]).toMatchObject({ file: 'servers/weather/server.yaml' });
    expect(status.errors[0]!.line).toBeGreaterThanOrEqual(2);
    expect(status.history[0]).toMatchObject({ revision: bad, result: 'invalid' });

    // Automatic triggers do not retry the same bad sha.
    const historyLength = status.history.length;
    await settle(reconciler, 'poll');
    await settle(reconciler, 'poll');
    expect(reconciler.status().history.length).toBe(historyLength);
    // A fix resumes.
    const fixed = repo.commit({ 'servers/weather/server.yaml': serverFile('fixed') });
    const after = await settle(reconciler);
    expect(after.lastAppliedRevision).toBe(fixed);
    expect(cond(after, 'Ready').status).toBe('True');
    expect(cond(after, 'Stalled').status).toBe('False');
    expect(after.errors).toEqual([]);
  });

  it('a tool with a syntax error fails the revision with file, line and column', async () => {
    const { repo, reconciler } = setup();
    const good = repo.commit(weather());
    await reconciler.start();
    await reconciler.idle();
    repo.commit({ 'servers/weather/tools/broken.py': 'async def main(x: str) -> dict:\n    return {"x": x\n\nprint(1)\n' });
    const status = await settle(reconciler);
    expect(reconciler.registry.current()!.revision).toBe(good);
    expect(reconciler.registry.current()!.tools.has('weather__broken')).toBe(false);
    expect(cond(status, 'Ready').reason).toBe('ValidationFailed');
    const err = status.errors.find((e) => e.file === 'servers/weather/tools/broken.py');
    expect(err).toBeDefined();
    expect(err!.line).toBeGreaterThanOrEqual(2);
    expect(err!.col).toBeGreaterThanOrEqual(1);
  });

  it('a source the analyzer dies on is AnalysisFailed and retried, not an invalid revision', async () => {
    // The sandbox says "no verdict" by kind (Analysis.failure); nothing here reads its message.
    const { repo, reconciler } = setup();
    const good = repo.commit(weather());
    await reconciler.start();
    await reconciler.idle();
    const next = repo.commit({ 'servers/weather/tools/chain.py': 'x = ' + '1+'.repeat(50_000) + '1\nasync def main():\n    return 1\n' });
    const status = await settle(reconciler);
    expect(reconciler.registry.current()!.revision).toBe(good);
    expect(status.lastAttemptedRevision).toBe(next);
    expect(cond(status, 'Ready')).toMatchObject({ status: 'False', reason: 'AnalysisFailed' });
    expect(cond(status, 'Reconciling')).toMatchObject({ status: 'True', reason: 'ProgressingWithRetry' });
    // Retried with backoff (40, 80, 160 ms here), then stalled at the limit, as any transient failure.
    expect(status.retry?.attempt).toBeGreaterThanOrEqual(1);
    await waitFor(() => cond(reconciler.status(), 'Stalled').status === 'True', 30_000);
    expect(cond(reconciler.status(), 'Stalled').reason).toBe('RetryLimitExceeded');
    expect(status.errors[0]!.message).toMatch(/^the sandbox's analyzer crashed twice on the same source: the analyzer could not process this source/);
    expect(status.history[0]).toMatchObject({ revision: next, result: 'failed' });
  });

  it('a disallowed import fails the revision at its line; granting the module in policy lets it through', async () => {
    const { repo, reconciler } = setup();
    const good = repo.commit(weather());
    await reconciler.start();
    await reconciler.idle();
    const code = 'import json\nimport sqlite3\n\nasync def main(q: str) -> dict:\n    """Query."""\n    return {"q": q}\n';
    repo.commit({ 'servers/weather/tools/query.py': code });
    const status = await settle(reconciler);
    expect(reconciler.registry.current()!.revision).toBe(good);
    expect(status.errors).toEqual([expect.objectContaining({ file: 'servers/weather/tools/query.py', line: 2, col: 1 })]);
    expect(status.errors[0]!.message).toContain("'sqlite3'");
    const granted = repo.commit({ 'policy/modules.yaml': 'allowed:\n  - name: sqlite3\n    reason: the query tool reads an in-memory database\n' });
    const after = await settle(reconciler);
    expect(after.lastAppliedRevision).toBe(granted);
    expect(reconciler.registry.current()!.tools.has('weather__query')).toBe(true);
  });

  it('a revision that deletes every tool is refused unless mcpbox.yaml allows it', async () => {
    const { repo, reconciler } = setup();
    const good = repo.commit(weather());
    await reconciler.start();
    await reconciler.idle();
    repo.commit({ 'servers/weather/tools/forecast.py': null, 'servers/weather/server.yaml': null });
    const status = await settle(reconciler);
    expect(reconciler.registry.current()!.revision).toBe(good);
    expect(reconciler.registry.current()!.tools.size).toBe(1);
    expect(cond(status, 'Ready')).toMatchObject({ status: 'False', reason: 'EmptyRevisionRefused' });
    expect(status.errors[0]).toMatchObject({ file: 'mcpbox.yaml' });
    expect(status.history[0]!.result).toBe('refused');
    const allowed = repo.commit({ 'mcpbox.yaml': BASE_FILES['mcpbox.yaml']!.replace('allow_empty: false', 'allow_empty: true') });
    const after = await settle(reconciler);
    expect(after.lastAppliedRevision).toBe(allowed);
    expect(reconciler.registry.current()!.tools.size).toBe(0);
  });

  it('a force-push that rewrites history is applied, even when the applied commit is gone', async () => {
    const { repo, reconciler, make } = setup();
    const first = repo.commit(weather(), 'first');
    await reconciler.start();
    await reconciler.idle();
    const firstDigest = reconciler.registry.current()!.digest;
    const second = repo.commit({ 'servers/weather/tools/alerts.py': toolCode('region') }, 'second');
    await settle(reconciler);
    expect(reconciler.status().lastAppliedRevision).toBe(second);
    // Rewrite: drop `second`, amend `first` into a new commit with the same content.
    repo.git('reset', '-q', '--hard', first);
    repo.git('commit', '-q', '--amend', '-m', 'first, rewritten');
    repo.git('push', '-q', '--force', 'origin', 'HEAD:refs/heads/main');
    const rewritten = repo.head();
    repo.bare('reflog', 'expire', '--expire=now', '--all');
    repo.bare('gc', '-q', '--prune=now');
    expect(() => repo.bare('cat-file', '-e', second)).toThrow();
    const status = await settle(reconciler);
    expect(status.lastAppliedRevision).toBe(rewritten);
    expect(reconciler.registry.current()!.digest).toBe(firstDigest); // same content ⇒ same digest
    expect([...reconciler.registry.current()!.tools.keys()]).toEqual(['weather__forecast']);

    // A restart whose last applied commit was collected still comes up on main.
    await reconciler.stop();
    repo.commit({ 'servers/weather/tools/alerts.py': toolCode('area') }, 'third');
    repo.git('reset', '-q', '--hard', 'HEAD~1');
    repo.git('commit', '-q', '--allow-empty', '-m', 'replace third');
    repo.git('push', '-q', '--force', 'origin', 'HEAD:refs/heads/main');
    repo.bare('reflog', 'expire', '--expire=now', '--all');
    repo.bare('gc', '-q', '--prune=now');
    const again = make();
    await again.start();
    await again.idle();
    expect(again.status().lastAppliedRevision).toBe(repo.head());
    expect(cond(again.status(), 'Ready').status).toBe('True');
  });

  it('the repo directory missing: keeps serving, backs off, stalls after the limit, and a manual trigger resumes', async () => {
    const { repo, reconciler } = setup();
    const good = repo.commit(weather());
    await reconciler.start();
    await reconciler.idle();
    const moved = `${repo.gitDir}.away`;
    renameSync(repo.gitDir, moved);
    try {
      const status = await settle(reconciler);
      expect(reconciler.registry.current()!.revision).toBe(good);
      expect(cond(status, 'Ready')).toMatchObject({ status: 'False', reason: 'FetchFailed' });
      expect(cond(status, 'Reconciling')).toMatchObject({ status: 'True', reason: 'ProgressingWithRetry' });
      expect(status.retry?.attempt).toBe(1);
      expect(status.errors[0]!.message).toContain(repo.gitDir);
      // Retries at 40, 80, 160 ms, then the limit (3): Stalled, no more attempts.
      await waitFor(() => cond(reconciler.status(), 'Stalled').status === 'True', 5_000);
      const stalled = reconciler.status();
      expect(cond(stalled, 'Stalled').reason).toBe('RetryLimitExceeded');
      expect(stalled.history.filter((h) => h.result === 'failed').length).toBe(4);
      expect(stalled.retry).toBeNull();
      await sleep(400);
      expect(reconciler.status().history.length).toBe(stalled.history.length);
    } finally {
      renameSync(moved, repo.gitDir);
    }
    const outcome = await reconciler.reconcileNow();
    expect(outcome.result).toBe('unchanged');
    const status = reconciler.status();
    expect(status.lastHandledReconcileAt).toBe(outcome.token);
    expect(cond(status, 'Ready').status).toBe('True');
    expect(cond(status, 'Stalled').status).toBe('False');
  });

  it('a lock held on main by a writer does not stop the reconciler from reading', async () => {
    const { repo, reconciler } = setup();
    repo.commit(weather());
    await reconciler.start();
    await reconciler.idle();
    const next = repo.commit({ 'servers/weather/tools/alerts.py': toolCode('region') });
    writeFileSync(join(repo.gitDir, 'refs', 'heads', 'main.lock'), '');
    try {
      const status = await settle(reconciler);
      expect(status.lastAppliedRevision).toBe(next);
    } finally {
      rmSync(join(repo.gitDir, 'refs', 'heads', 'main.lock'), { force: true });
    }
  });

  it('reverting a merge restores exactly the digest that was live before it', async () => {
    const { repo, reconciler } = setup();
    repo.commit(weather());
    await reconciler.start();
    await reconciler.idle();
    const before = reconciler.registry.current()!.digest;
    repo.git('checkout', '-q', '-b', 'mcpbox/alerts');
    repo.commit({ 'servers/weather/tools/alerts.py': toolCode('region'), 'policy/modules.yaml': 'allowed:\n  - name: sqlite3\n    reason: test\n' }, 'alerts', 'mcpbox/alerts');
    repo.git('checkout', '-q', 'main');
    repo.git('merge', '-q', '--no-ff', '-m', 'Merge alerts', 'mcpbox/alerts');
    repo.git('push', '-q', 'origin', 'HEAD:refs/heads/main');
    await settle(reconciler);
    const merged = reconciler.registry.current()!;
    expect(merged.tools.has('weather__alerts')).toBe(true);
    expect(merged.digest).not.toBe(before);
    repo.git('revert', '--no-edit', '-m', '1', 'HEAD');
    repo.git('push', '-q', 'origin', 'HEAD:refs/heads/main');
    const status = await settle(reconciler);
    expect(status.lastAppliedRevision).toBe(repo.head());
    expect(reconciler.registry.current()!.digest).toBe(before);
    expect(reconciler.registry.current()!.tools.has('weather__alerts')).toBe(false);
  });

  it('a plain git push from another process is picked up without any poke', async () => {
    const { repo, reconciler } = setup();
    repo.commit(weather());
    await reconciler.start();
    await reconciler.idle();
    const pushed = repo.commit({ 'servers/weather/tools/alerts.py': toolCode('region') });
    await waitFor(() => reconciler.status().lastAppliedRevision === pushed, 10_000);
    expect(reconciler.registry.current()!.tools.has('weather__alerts')).toBe(true);
  });

  it('a manual request from another process (the CLI path) is handled and its token echoed', async () => {
    const { repo, reconciler, dataDir } = setup();
    repo.commit(weather());
    await reconciler.start();
    await reconciler.idle();
    const other = openStateStore(dataDir);
    stores.push(other);
    const requests = new ReconcileRequestRepository(other);
    const { token } = requests.create();
    await waitFor(() => requests.get(token)?.handledAt != null, 5_000);
    expect(requests.get(token)!.outcome).toMatchObject({ result: 'unchanged', revision: repo.head() });
    expect(reconciler.status().lastHandledReconcileAt).toBe(token);
  });

  it('a manual trigger retries a revision that failed validation; suspend holds everything', async () => {
    const { repo, reconciler } = setup();
    repo.commit(weather());
    await reconciler.start();
    await reconciler.idle();
    const bad = repo.commit({ 'mcpbox.yaml': 'apiVersion: mcpbox/v2\n' });
    await settle(reconciler);
    const manual = await reconciler.reconcileNow();
    expect(manual).toMatchObject({ result: 'invalid', revision: bad });
    expect(reconciler.status().history.filter((h) => h.revision === bad).length).toBe(2);

    reconciler.suspend();
    const fixed = repo.commit({ 'mcpbox.yaml': BASE_FILES['mcpbox.yaml']! });
    expect((await reconciler.reconcileNow()).result).toBe('suspended');
    expect(reconciler.status().lastAppliedRevision).not.toBe(fixed);
    expect(reconciler.status().suspended).toBe(true);
    reconciler.resume();
    await reconciler.idle();
    expect(reconciler.status().lastAppliedRevision).toBe(fixed);
  });

  it('on restart, the last applied revision is served from the state store with cached analyses', async () => {
    const { repo, reconciler, make } = setup();
    const good = repo.commit(weather());
    await reconciler.start();
    await reconciler.idle();
    const digest = reconciler.registry.current()!.digest;
    await reconciler.stop();
    // main moves on while the process is down, to a revision that fails validation
    repo.commit({ 'servers/weather/tools/bad.py': 'def main(:\n' });
    const again = make();
    await again.start();
    // Before the first reconcile of the new main finishes, the old revision is already served.
    expect(again.registry.current()?.revision).toBe(good);
    expect(again.registry.current()?.digest).toBe(digest);
    expect(again.analyzer.analyzedTotal).toBe(0);
    await again.idle();
    expect(again.registry.current()!.revision).toBe(good);
    expect(cond(again.status(), 'Ready').reason).toBe('ValidationFailed');
    expect(existsSync(join(repo.gitDir, 'HEAD'))).toBe(true);
  });
});

describe('reconciler: triggers and lifecycle', () => {
  it('without any watch, the jittered poll picks up a new main', async () => {
    const { repo, dataDir, store } = setup();
    repo.commit(weather());
    const git = new GitRevisionSource(repo.gitDir);
    // The same git source, minus its watch: only the poll can notice main moving.
    const source = { head: () => git.head(), readDesiredState: (r: string) => git.readDesiredState(r), changedPaths: (a: string, b: string) => git.changedPaths(a, b) };
    const polled = new Reconciler({ dataDir, store, source, sandbox, pollIntervalMs: 150, requestPollMs: 0 });
    reconcilers.push(polled);
    await polled.start();
    await polled.idle();
    const next = repo.commit({ 'servers/weather/tools/alerts.py': toolCode('region') });
    await waitFor(() => polled.status().lastAppliedRevision === next, 10_000);
    expect(polled.registry.current()!.tools.has('weather__alerts')).toBe(true);
  });

  it('a retry pending when the process stopped is due at the next start', async () => {
    const { repo, dataDir, store, reconciler } = setup();
    repo.commit(weather());
    await reconciler.start();
    await reconciler.idle();
    await reconciler.stop();
    const next = repo.commit({ 'servers/weather/tools/alerts.py': toolCode('region') });
    // A sandbox that is already closed fails every analysis: a transient failure, retried later.
    const closedDir = mkdtempSync(join(tmpdir(), 'mcpbox-rec-closed-'));
    roots.push(closedDir);
    const closed = createSandbox({ dataDir: closedDir });
    await closed.close();
    const failing = new Reconciler({ dataDir, store, source: new GitRevisionSource(repo.gitDir), sandbox: closed, pollIntervalMs: 0, requestPollMs: 0, retry: { baseMs: 600_000 } });
    reconcilers.push(failing);
    await failing.start();
    await failing.idle();
    expect(failing.status().retry?.attempt).toBe(1);
    expect(failing.status().conditions.find((c) => c.type === 'Ready')?.reason).toBe('AnalysisFailed');
    await failing.stop();
    const restarted = new Reconciler({ dataDir, store, source: new GitRevisionSource(repo.gitDir), sandbox, pollIntervalMs: 0, requestPollMs: 0 });
    reconcilers.push(restarted);
    await restarted.start();
    await restarted.idle();
    expect(restarted.status().lastAppliedRevision).toBe(next);
    expect(restarted.status().retry).toBeNull();
  });

  it('a stopped reconciler refuses manual requests instead of hanging', async () => {
    const { repo, reconciler } = setup();
    repo.commit(weather());
    await reconciler.start();
    await reconciler.idle();
    await reconciler.stop();
    await expect(reconciler.reconcileNow()).rejects.toMatchObject({ code: 'ApplyFailed' });
  });
});

async function waitFor(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(20);
  }
}
