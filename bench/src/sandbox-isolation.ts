// Bench: what keeping draft tests out of the live child costs. Before, a draft test ran in the same
// child as the server's live calls; that shared path no longer exists, so the baseline measured in
// this same run is a warm live call (what a test on the shared child cost). Prints one JSON object:
// medians/p99 of a warm live call, a draft test's first call (a new branch or a moved head: a fresh
// child, adopted from the pre-started one), draft tests reusing their child (every DRAFT_CALLS_PER_CHILD-th
// test gets a fresh child: shown apart), live and draft calls alternating on one server, and the
// draft/live ratios.
//   node bench/src/sandbox-isolation.ts [warmCalls=500]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createSandbox, ensureSnapshot, sandboxLimits, type RunDomain } from '@mcpbox/sandbox';

const WARM_CALLS = Number(process.argv[2] ?? 500);
const policy = { allowedModules: [], grants: [] };
const trivial = 'async def main(x: int):\n    return {"y": x * 2}\n';
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

function stats(samples: number[]): { n: number; p50: number; p90: number; p99: number; max: number } {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  const round = (v: number) => Math.round(v * 1000) / 1000;
  return { n: s.length, p50: round(at(0.5)), p90: round(at(0.9)), p99: round(at(0.99)), max: round(s[s.length - 1]!) };
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));
const head = (n: number) => n.toString(16).padStart(40, '0');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcpbox-bench-isolation-'));
const sandbox = createSandbox({ dataDir, log: quiet, maxDraftInstances: 2 });
const run = (domain: RunDomain, x: number) => sandbox.run({ server: 'bench', domain, tool: 'bench', code: trivial, args: { x }, policy });
const out: Record<string, unknown> = { cores: os.cpus().length, loadavg: os.loadavg().map((l) => Math.round(l * 10) / 10) };

try {
  await ensureSnapshot(path.join(dataDir, 'cache')); // built once, before anything is timed
  await sandbox.start('bench');
  await settle(2500); // the spare worker and the pre-started child finish booting

  // ---- baseline: a warm live call (today's figure for a call on the server's one child) ----
  const live: number[] = [];
  for (let i = 0; i < WARM_CALLS + 50; i++) live.push(await time(() => run({ kind: 'live' }, i)));
  const liveStats = stats(live.slice(50));
  out['warm_live_call_ms'] = liveStats;

  // ---- a draft test's first call: a fresh draft child (new head), adopting the pre-started child ----
  const first: number[] = [];
  for (let i = 0; i < 5; i++) {
    await settle(2500); // steady state: the next pre-started child has booted
    first.push(await time(() => run({ kind: 'draft', branch: 'mcpbox/draft/bench', head: head(i + 1) }, i)));
  }
  const firstStats = stats(first);
  out['draft_test_first_call_ms'] = firstStats;

  // ---- draft tests on one head: the child is reused, and replaced every DRAFT_CALLS_PER_CHILD tests ----
  await settle(2500);
  const reused: number[] = [];
  const replaced: number[] = [];
  const sameHead: RunDomain = { kind: 'draft', branch: 'mcpbox/draft/bench', head: head(100) };
  await run(sameHead, 0); // a fresh child for this head; the measured tests follow
  for (let i = 1; i <= WARM_CALLS; i++) {
    const ms = await time(() => run(sameHead, i));
    (i % sandboxLimits.DRAFT_CALLS_PER_CHILD === 0 ? replaced : reused).push(ms);
  }
  const reusedStats = stats(reused);
  out['draft_test_warm_call_ms'] = reusedStats;
  out['draft_test_call_replacing_child_ms'] = stats(replaced);

  // ---- live and draft alternating on one server (both children warm) ----
  await settle(2500);
  const altLive: number[] = [];
  const altDraft: number[] = [];
  const alternating: RunDomain = { kind: 'draft', branch: 'mcpbox/draft/bench', head: head(200) };
  for (let i = 0; i < Math.min(WARM_CALLS, sandboxLimits.DRAFT_CALLS_PER_CHILD - 1); i++) {
    altLive.push(await time(() => run({ kind: 'live' }, i)));
    altDraft.push(await time(() => run(alternating, i)));
  }
  out['alternating_live_call_ms'] = stats(altLive.slice(1));
  out['alternating_draft_call_ms'] = stats(altDraft.slice(1));

  const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
  out['ratios_to_warm_live_call'] = {
    draft_warm_p50: ratio(reusedStats.p50, liveStats.p50),
    draft_warm_p99: ratio(reusedStats.p99, liveStats.p99),
    draft_first_p50: ratio(firstStats.p50, liveStats.p50),
  };
  out['children'] = Object.keys(sandbox.livePids());
} finally {
  await sandbox.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
console.log(JSON.stringify(out, null, 2));
