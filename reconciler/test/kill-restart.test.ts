// kill -9 of the reconciler's process in the middle of applying a revision, then a restart: the
// restarted process serves a whole revision at once (the last one recorded as applied), then
// converges on main; the state store is intact.
import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createInterface } from 'node:readline';
import { openStateStore } from '@mcpbox/core';
import { readStatus } from '@mcpbox/reconciler';
import { BASE_FILES, serverFile, toolCode, ToolsRepoFixture } from './support/tools-repo-fixture.ts';

const children: ChildProcessWithoutNullStreams[] = [];
const roots: string[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  for (const d of roots) rmSync(d, { recursive: true, force: true });
});

interface Event {
  event: string;
  revision?: string | null;
  digest?: string | null;
  tools?: number;
  status?: { lastAppliedRevision: string | null; conditions: Array<{ type: string; status: string }> };
}

function startProcess(gitDir: string, dataDir: string, sandboxDir: string) {
  const child = spawn(process.execPath, [new URL('./support/reconciler-process.ts', import.meta.url).pathname, gitDir, dataDir, sandboxDir], {
    cwd: process.cwd(),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  children.push(child);
  const events: Event[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => events.push(JSON.parse(line) as Event));
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const waitFor = async (pred: (e: Event) => boolean, timeoutMs = 60_000): Promise<Event> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = events.find(pred);
      if (found) return found;
      if (child.exitCode !== null) throw new Error(`reconciler process exited (${child.exitCode}): ${stderr}`);
      if (Date.now() > deadline) throw new Error(`timed out; events: ${JSON.stringify(events)} stderr: ${stderr}`);
      await sleep(20);
    }
  };
  return { child, events, waitFor };
}

describe('kill -9 mid-apply, then restart', () => {
  it('serves a whole revision right away after the restart and converges on main', async () => {
    const root = mkdtempSync(join(tmpdir(), 'mcpbox-rec-kill-'));
    roots.push(root);
    const repo = new ToolsRepoFixture(root);
    const dataDir = join(root, 'data');
    const sandboxDir = join(root, 'sandbox');
    const first = repo.commit({ ...BASE_FILES, 'servers/a/server.yaml': serverFile(), 'servers/a/tools/one.py': toolCode() });

    const p1 = startProcess(repo.gitDir, dataDir, sandboxDir);
    const idle = await p1.waitFor((e) => e.event === 'idle');
    expect(idle.status?.lastAppliedRevision).toBe(first);
    const firstDigest = p1.events.find((e) => e.event === 'applied')!.digest;

    // A big revision: many new tools keep the sandbox busy, so the kill lands mid-attempt.
    const files: Record<string, string> = {};
    for (let i = 0; i < 300; i++) files[`servers/a/tools/bulk${i}.py`] = toolCode('text', `Bulk tool ${i}.`);
    const second = repo.commit(files, 'bulk');
    const store = openStateStore(dataDir);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const s = readStatus(dataDir);
      if (s?.lastAttemptedRevision === second) break;
      if (Date.now() > deadline) throw new Error('the reconciler never started the second revision');
      await sleep(5);
    }
    p1.child.kill('SIGKILL');
    await new Promise((r) => p1.child.once('exit', r));
    const killedDuringApply = readStatus(dataDir)!.lastAppliedRevision !== second;
    expect((store.db.prepare('PRAGMA integrity_check').get() as { integrity_check: string }).integrity_check).toBe('ok');
    store.close();

    const p2 = startProcess(repo.gitDir, dataDir, sandboxDir);
    const started = await p2.waitFor((e) => e.event === 'started');
    // Whatever was recorded as applied is served whole, before the new reconcile finishes.
    if (killedDuringApply) {
      expect(started).toMatchObject({ revision: first, digest: firstDigest, tools: 1 });
    } else {
      expect(started).toMatchObject({ revision: second, tools: 301 });
    }
    const idle2 = await p2.waitFor((e) => e.event === 'idle');
    expect(idle2.status?.lastAppliedRevision).toBe(second);
    expect(idle2.status?.conditions.find((c) => c.type === 'Ready')?.status).toBe('True');
    const last = p2.events.filter((e) => e.event === 'applied').at(-1)!;
    expect(last).toMatchObject({ revision: second, tools: 301 });
    p2.child.kill('SIGKILL');
  });
});
