// Bench: the sandbox runtime against the naive baseline (a fresh `python3 -c` per call), in the
// same run. Prints one JSON object: warm-call latency through the pool, cold start of a server from
// the snapshot, recovery after a hard kill (worker) and after a SIGKILL (whole child), throughput with
// four busy servers on this machine's cores, and RSS per live child.
//   node bench/src/sandbox-runtime.ts [warmCalls=2000]

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createSandbox, type SandboxPool } from '@mcpbox/sandbox';

const WARM_CALLS = Number(process.argv[2] ?? 2000);
const policy = { allowedModules: [], grants: [] };
const trivial = 'async def main(x: int):\n    return {"y": x * 2}\n';

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

function rssMiB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcpbox-bench-sandbox-'));
let sandbox: SandboxPool = createSandbox({ dataDir, graceMs: 300, log: { debug() {}, info() {}, warn() {}, error() {} } });
const run = (server: string, code: string, args: Record<string, unknown> = {}, timeoutMs?: number) =>
  sandbox.run({ server, domain: { kind: 'live' }, tool: 'bench', code, args, policy, timeoutMs });
const out: Record<string, unknown> = { cores: os.cpus().length, loadavg: os.loadavg().map((l) => Math.round(l * 10) / 10) };

try {
  // Snapshot build (first start on a fresh data dir) is reported separately from everything else.
  out['snapshot_build_and_first_start_ms'] = Math.round(await time(() => sandbox.start('first')));
  await sandbox.close(); // measure the spawn path with nothing else alive
  sandbox = createSandbox({ dataDir, graceMs: 300, log: { debug() {}, info() {}, warn() {}, error() {} } });

  // ---- cold start of a server by spawning a child from the snapshot (a pool without a pre-started
  // child), measured first, while the machine holds no other live sandbox ----
  const coldPool = createSandbox({ dataDir, warmChild: false, spareWorker: false, log: { debug() {}, info() {}, warn() {}, error() {} } });
  const spawned: number[] = [];
  for (let i = 0; i < 5; i++) {
    spawned.push(await time(() => coldPool.run({ domain: { kind: 'live' }, server: `spawn${i}`, tool: 'bench', code: trivial, args: { x: 1 }, policy })));
    await coldPool.stop(`spawn${i}`);
  }
  await coldPool.close();
  out['cold_start_spawning_child_from_snapshot_ms'] = stats(spawned);

  // ---- warm call of a trivial tool through the pool ----
  await run('warm', trivial, { x: 1 });
  await new Promise((r) => setTimeout(r, 1500)); // let the spare worker finish booting
  const warm: number[] = [];
  for (let i = 0; i < WARM_CALLS; i++) warm.push(await time(() => run('warm', trivial, { x: i })));
  out['warm_call_ms'] = stats(warm.slice(100));

  // ---- naive baseline: spawn python3 per call ----
  const naive: number[] = [];
  for (let i = 0; i < 50; i++) {
    const t0 = performance.now();
    spawnSync('python3', ['-c', `import json; print(json.dumps({"y": ${i} * 2}))`], { encoding: 'utf8' });
    naive.push(performance.now() - t0);
  }
  out['naive_python3_per_call_ms'] = stats(naive);

  // ---- cold start of a server (first call → first result) ----
  // Adopting the pool's pre-started child, given time to boot between starts (the steady state).
  const adopted: number[] = [];
  for (let i = 0; i < 5; i++) {
    await new Promise((r) => setTimeout(r, 2500));
    adopted.push(await time(() => run(`cold${i}`, trivial, { x: 1 })));
    await sandbox.stop(`cold${i}`);
  }
  out['cold_start_adopting_prestarted_child_ms'] = stats(adopted);

  // ---- recovery after a hard kill of the worker (C loop past its time limit) ----
  await run('recover', trivial, { x: 1 });
  await new Promise((r) => setTimeout(r, 1500));
  const recoverWorker: number[] = [];
  for (let i = 0; i < 5; i++) {
    await run('recover', 'async def main():\n    return sum(range(10**13))\n', {}, 200);
    recoverWorker.push(await time(() => run('recover', trivial, { x: 1 })));
    await new Promise((r) => setTimeout(r, 1500)); // the next spare boots
  }
  out['next_call_after_worker_hard_kill_ms'] = stats(recoverWorker);

  // ---- recovery after SIGKILL of the whole child (the pool's pre-started child takes over) ----
  const recoverChild: number[] = [];
  for (let i = 0; i < 3; i++) {
    await run('sigkill', trivial, { x: 1 });
    await new Promise((r) => setTimeout(r, 2500));
    const pid = sandbox.livePids()['sigkill']!;
    const t0 = performance.now();
    process.kill(pid, 'SIGKILL');
    while (sandbox.livePids()['sigkill'] === pid) await new Promise((r) => setTimeout(r, 1));
    await run('sigkill', trivial, { x: 1 });
    recoverChild.push(performance.now() - t0);
  }
  out['next_call_after_child_sigkill_ms'] = stats(recoverChild);

  // ---- throughput: 1 vs 4 servers busy with a CPU-bound tool (after starts and spares settle) ----
  const cpu = 'async def main():\n    return sum(i * i for i in range(200_000))\n';
  const servers = ['t0', 't1', 't2', 't3'];
  await Promise.all(servers.map((s) => run(s, cpu)));
  await new Promise((r) => setTimeout(r, 4000));
  const throughput = async (busy: string[], ms: number) => {
    let calls = 0;
    const end = performance.now() + ms;
    await Promise.all(busy.map(async (s) => { while (performance.now() < end) { await run(s, cpu); calls++; } }));
    return Math.round((calls / ms) * 1000 * 10) / 10;
  };
  out['throughput_calls_per_s'] = { one_server: await throughput(['t0'], 3000), four_servers: await throughput(servers, 3000) };

  // ---- RSS per live child (control thread + active worker + warm spare) ----
  const pids = sandbox.livePids();
  out['rss_per_child_mib'] = stats(Object.values(pids).map(rssMiB));
  out['live_children'] = Object.keys(pids).length;
  out['network_namespace'] = sandbox.networkNamespace;
} finally {
  await sandbox.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
console.log(JSON.stringify(out, null, 2));
