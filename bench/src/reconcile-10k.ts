// Reconcile bench on a synthetic 10,000-tool repo (override with BENCH_TOOLS):
//   1. first reconcile with an empty analysis cache (every tool through the real sandbox),
//   2. restart with a warm cache: construction → serving the last applied revision (target ≤ 3 s),
//   3. one-tool change: commit → applied (target ≤ 150 ms), median of 9.
// Run: node bench/src/reconcile-10k.ts
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openStateStore } from '@mcpbox/core';
import { GitRevisionSource, Reconciler } from '@mcpbox/reconciler';
import { createSandbox } from '@mcpbox/sandbox';
import { buildSyntheticRepo, changeOneTool } from './reconcile-synthetic-repo.ts';

const TOOLS = Number(process.env.BENCH_TOOLS ?? 10_000);
const root = mkdtempSync(join(tmpdir(), 'mcpbox-bench-reconcile-'));
const gitDir = join(root, 'repo.git');
const dataDir = join(root, 'data');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number) => `${x.toFixed(1)} ms`;

const sandbox = createSandbox({ dataDir });
try {
  let t = performance.now();
  buildSyntheticRepo(gitDir, TOOLS);
  console.log(`synthetic repo: ${TOOLS} tools in ${ms(performance.now() - t)}`);

  const store = openStateStore(dataDir);
  const make = () => new Reconciler({ dataDir, store, source: new GitRevisionSource(gitDir), sandbox, pollIntervalMs: 0, requestPollMs: 0 });

  // 1. cold: empty analysis cache
  const cold = make();
  t = performance.now();
  await cold.start();
  await cold.idle();
  const coldMs = performance.now() - t;
  if (cold.registry.current()?.tools.size !== TOOLS) throw new Error(`cold reconcile served ${cold.registry.current()?.tools.size} tools: ${JSON.stringify(cold.status().errors.slice(0, 3))}`);
  console.log(`first reconcile, empty analysis cache: ${ms(coldMs)} (${cold.analyzer.analyzedTotal} analyzed)`);
  await cold.stop();

  // 2. restart with a warm cache: time to serving (restore phase only), median of 3
  const warm: number[] = [];
  for (let i = 0; i < 3; i++) {
    t = performance.now();
    const r = make();
    await r.start();
    const served = performance.now() - t;
    if (r.registry.current()?.tools.size !== TOOLS || r.analyzer.analyzedTotal !== 0) throw new Error('warm restart did not serve from the cache');
    warm.push(served);
    await r.idle();
    await r.stop();
  }
  console.log(`restart in-process, warm cache, to serving: median ${ms(median(warm))} (runs: ${warm.map(ms).join(', ')}) — target ≤ 3000 ms`);

  // 2b. the same as a real process start (module loading, store open, sandbox creation included)
  store.close();
  const processRuns: number[] = [];
  for (let i = 0; i < 3; i++) {
    const out = execFileSync(process.execPath, [new URL('./reconcile-restart-process.ts', import.meta.url).pathname, gitDir, dataDir], { encoding: 'utf8' });
    const { servedMs, tools, analyzed } = JSON.parse(out) as { servedMs: number; tools: number; analyzed: number };
    if (tools !== TOOLS || analyzed !== 0) throw new Error(`process restart served ${tools} tools, analyzed ${analyzed}`);
    processRuns.push(servedMs);
  }
  console.log(`restart as a new process, warm cache, process start → serving: median ${ms(median(processRuns))} (runs: ${processRuns.map(ms).join(', ')}) — target ≤ 3000 ms`);
  const store2 = openStateStore(dataDir);

  // 3. one-tool change, commit → applied
  const live = new Reconciler({ dataDir, store: store2, source: new GitRevisionSource(gitDir), sandbox, pollIntervalMs: 0, requestPollMs: 0 });
  await live.start();
  await live.idle();
  const changes: number[] = [];
  for (let v = 1; v <= 9; v++) {
    const sha = changeOneTool(gitDir, (v * 997) % TOOLS, v);
    t = performance.now();
    live.poke('bench');
    await live.idle();
    changes.push(performance.now() - t);
    if (live.status().lastAppliedRevision !== sha) throw new Error(`change ${v} not applied: ${JSON.stringify(live.status().conditions)}`);
  }
  console.log(`one-tool change, poke → applied: median ${ms(median(changes))} (min ${ms(Math.min(...changes))}, max ${ms(Math.max(...changes))}) — target ≤ 150 ms`);
  await live.stop();
  store2.close();
} finally {
  await sandbox.close();
  rmSync(root, { recursive: true, force: true });
}
