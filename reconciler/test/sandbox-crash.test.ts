// The sandbox's analyzer process dies in the middle of a build (SIGKILL, as the OOM killer would):
// the revision is not applied, the last good one keeps serving, the status says the analysis
// failed and a retry is scheduled; the retry (with a fresh analyzer process) applies it.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { openStateStore } from '@mcpbox/core';
import { createSandbox } from '@mcpbox/sandbox';
import type { Analysis } from '@mcpbox/sandbox';
import { GitRevisionSource, Reconciler } from '@mcpbox/reconciler';
import { BASE_FILES, serverFile, toolCode, ToolsRepoFixture } from './support/tools-repo-fixture.ts';

const root = mkdtempSync(join(tmpdir(), 'mcpbox-rec-crash-'));
const sandbox = createSandbox({ dataDir: join(root, 'sandbox') });
const store = openStateStore(join(root, 'data'));
afterAll(async () => {
  await sandbox.close();
  store.close();
  rmSync(root, { recursive: true, force: true });
});

/** Processes this test process started (the sandbox's children). */
function childPids(): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid) pids.push(Number(name));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

describe('sandbox crash mid-apply', () => {
  it('keeps serving, reports AnalysisFailed, retries and then applies', async () => {
    const repo = new ToolsRepoFixture(root);
    const good = repo.commit({ ...BASE_FILES, 'servers/a/server.yaml': serverFile(), 'servers/a/tools/one.py': toolCode() });
    let midBatchKills = 0;
    let crashes = 0; // how many of the next analyzeMany calls lose their analyzer process
    let persistent = false; // kill once, or keep killing until the call gives up
    const crashing = {
      analyze: (code: string) => sandbox.analyze(code),
      async analyzeMany(codes: string[]): Promise<Analysis[]> {
        let settled = false;
        const pending = sandbox.analyzeMany(codes).finally(() => (settled = true));
        pending.catch(() => {}); // observed below; a rejection during the kill loop is not "unhandled"
        if (crashes > 0) {
          crashes--;
          await sleep(20); // the analyzer is working on the batch
          if (!settled) midBatchKills++;
          do {
            for (const pid of childPids()) process.kill(pid, 'SIGKILL');
            await sleep(20);
            // One kill is absorbed by the sandbox itself (it re-runs the batch source by source in
            // a new process); a persistent crash keeps killing until the call gives up.
          } while (persistent && !settled);
        }
        return pending;
      },
    };
    const reconciler = new Reconciler({
      dataDir: join(root, 'data'),
      store,
      source: new GitRevisionSource(repo.gitDir),
      sandbox: crashing,
      pollIntervalMs: 0,
      requestPollMs: 0,
      retry: { baseMs: 200, limit: 3 },
    });
    try {
      await reconciler.start();
      await reconciler.idle();
      expect(reconciler.registry.current()!.revision).toBe(good);

      // One crash: the invalid verdicts it caused are re-checked in a fresh analyzer, and the
      // revision applies with every tool valid (nothing false was cached).
      const batch1: Record<string, string> = {};
      for (let i = 0; i < 400; i++) batch1[`servers/a/tools/u${i}.py`] = toolCode('text', `First batch ${i}.`);
      const absorbed = repo.commit(batch1);
      crashes = 1;
      reconciler.poke('test');
      await reconciler.idle();
      expect(midBatchKills).toBe(1);
      expect(reconciler.status().lastAppliedRevision).toBe(absorbed);
      expect(reconciler.status().history.filter((h) => h.revision === absorbed).map((h) => h.result)).not.toContain('invalid');
      expect(reconciler.registry.current()!.tools.get('a__u7')!.description).toBe('First batch 7.');

      // Crashing again during the re-check: a transient failure, retried with backoff.
      const files: Record<string, string> = {};
      for (let i = 0; i < 400; i++) files[`servers/a/tools/t${i}.py`] = toolCode('text', `Tool ${i}.`);
      const next = repo.commit(files);
      crashes = 2;
      persistent = true;
      reconciler.poke('test');
      await reconciler.idle();
      const failed = reconciler.status();
      expect(reconciler.registry.current()!.revision).toBe(absorbed);
      expect(failed.lastAttemptedRevision).toBe(next);
      expect(failed.lastAppliedRevision).toBe(absorbed);
      expect(failed.errors[0]!.message).toMatch(/crashed twice|could not analyze/);
      expect(failed.conditions.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'AnalysisFailed' });
      expect(failed.conditions.find((c) => c.type === 'Reconciling')).toMatchObject({ status: 'True', reason: 'ProgressingWithRetry' });
      expect(failed.retry?.attempt).toBe(1);
      expect(failed.history[0]).toMatchObject({ revision: next, result: 'failed' });
      persistent = false;

      await waitUntil(() => reconciler.status().lastAppliedRevision === next, 60_000, () => reconciler.status());
      expect(reconciler.registry.current()!.tools.size).toBe(801);
      expect(reconciler.status().retry).toBeNull();
    } finally {
      await reconciler.stop();
    }
  });
});

async function waitUntil(check: () => boolean, timeoutMs = 60_000, explain: () => unknown = () => ''): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`condition not met in time: ${JSON.stringify(explain())}`);
    await sleep(50);
  }
}
