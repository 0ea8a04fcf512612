// Bench: what call hygiene costs (sandbox/src/runner/runner.py — after every call, cancel and settle
// what it started, collect its garbage, compare the interpreter's shared state with the setup
// baseline; recycle the interpreter when the call left something behind). Same run, same machine:
//   - warm live call with the check on vs. off (`callHygiene: false`, the baseline): medians, p99, ratio;
//     the difference of the medians is the per-call cost of the check;
//   - a call that leaves state behind, then the next call: time until that next call answers, with a
//     warm spare worker ready (the normal case) and without one (spareWorker: false), against the
//     same pair when the first call is clean.
//   node bench/src/sandbox-call-hygiene.ts [warmCalls=400]

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createSandbox, type SandboxPool } from '@mcpbox/sandbox';

const WARM_CALLS = Number(process.argv[2] ?? 400);
const policy = { allowedModules: [], grants: [] };
const trivial = 'async def main(x: int):\n    return {"y": x * 2}\n';
const dirty = 'import json\nasync def main():\n    json.dumps = json.dumps\n    json.extra = 1\n    return 1\n';
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

function stats(samples: number[]): { n: number; p50: number; p99: number } {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  const round = (v: number) => Math.round(v * 1000) / 1000;
  return { n: s.length, p50: round(at(0.5)), p99: round(at(0.99)) };
}
const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcpbox-bench-hygiene-'));
const pools: SandboxPool[] = [];
const pool = (options: { callHygiene?: boolean; spareWorker?: boolean }): SandboxPool => {
  const p = createSandbox({ dataDir, graceMs: 300, log: quiet, ...options });
  pools.push(p);
  return p;
};
const call = (p: SandboxPool, server: string, code: string, args: Record<string, unknown> = {}) =>
  p.run({ server, domain: { kind: 'live' }, tool: 'bench', code, args, policy });

const out: Record<string, unknown> = { cores: os.cpus().length, loadavg: os.loadavg().map((l) => Math.round(l * 10) / 10) };
try {
  // ---- warm call, check on vs. off, interleaved in blocks so load drifts hit both alike ----
  const on = pool({});
  const off = pool({ callHygiene: false });
  await Promise.all([call(on, 'warm', trivial, { x: 1 }), call(off, 'warm', trivial, { x: 1 })]);
  await sleep(2500); // spares finish booting
  const samples = { on: [] as number[], off: [] as number[] };
  for (let block = 0; block < WARM_CALLS / 50; block++) {
    for (const [name, p] of [['on', on], ['off', off]] as const) {
      for (let i = 0; i < 50; i++) samples[name].push(await time(() => call(p, 'warm', trivial, { x: i })));
    }
  }
  const warmOn = stats(samples.on.slice(20));
  const warmOff = stats(samples.off.slice(20));
  out['warm_call_ms'] = { hygiene_on: warmOn, hygiene_off_baseline: warmOff, ratio_p50: ratio(warmOn.p50, warmOff.p50), ratio_p99: ratio(warmOn.p99, warmOff.p99) };
  out['end_of_call_check_cost_ms_p50'] = Math.round((warmOn.p50 - warmOff.p50) * 1000) / 1000;

  // ---- recycle: the call after one that left state behind ----
  const afterDirty = async (p: SandboxPool, server: string, first: string, settleMs: number): Promise<number[]> => {
    const next: number[] = [];
    await call(p, server, trivial, { x: 1 });
    for (let i = 0; i < 8; i++) {
      await sleep(settleMs);
      await call(p, server, first, first === trivial ? { x: 1 } : {});
      next.push(await time(() => call(p, server, trivial, { x: 1 })));
    }
    return next;
  };
  const noSpare = pool({ spareWorker: false });
  const withSpareDirty = stats(await afterDirty(on, 'recycle', dirty, 2500));
  const withSpareClean = stats(await afterDirty(on, 'recycle', trivial, 2500));
  const noSpareDirty = stats(await afterDirty(noSpare, 'recycle', dirty, 500));
  const noSpareClean = stats(await afterDirty(noSpare, 'recycle', trivial, 500));
  out['next_call_after_a_dirty_call_ms'] = {
    spare_ready: withSpareDirty, spare_ready_after_clean_call_baseline: withSpareClean, ratio_p50_spare: ratio(withSpareDirty.p50, withSpareClean.p50),
    no_spare: noSpareDirty, no_spare_after_clean_call_baseline: noSpareClean, ratio_p50_no_spare: ratio(noSpareDirty.p50, noSpareClean.p50),
  };
} finally {
  await Promise.all(pools.map((p) => p.close()));
  fs.rmSync(dataDir, { recursive: true, force: true });
}
console.log(JSON.stringify(out, null, 2));
