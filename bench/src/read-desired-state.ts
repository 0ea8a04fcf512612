// How long does reading a whole revision take? Builds a synthetic tools repo with 10,000 tools
// (one `git fast-import` stream, shared with the reconcile benches), then times, median of 5:
//  - readTree: the git part (one `ls-tree -r -z` + one `cat-file --batch`);
//  - readDesiredState: readTree plus parsing and validating every file.
// Target (issue): readDesiredState under 1 s for 10,000 tools.
// Run: node bench/src/read-desired-state.ts [tools]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readDesiredState, readTree } from '@mcpbox/core';
import { buildSyntheticRepo } from './reconcile-synthetic-repo.ts';

const tools = Number(process.argv[2] ?? 10_000);
const runs = 5;

async function medianMs(work: () => Promise<unknown>): Promise<{ median: number; all: number[] }> {
  const all: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await work();
    all.push(performance.now() - start);
  }
  const sorted = [...all].sort((a, b) => a - b);
  return { median: sorted[Math.floor(runs / 2)] ?? NaN, all };
}

const dir = mkdtempSync(join(tmpdir(), 'mcpbox-bench-read-'));
try {
  const gitDir = join(dir, 'repo.git');
  const built = performance.now();
  buildSyntheticRepo(gitDir, tools);
  const buildMs = performance.now() - built;

  const state = await readDesiredState(gitDir);
  const toolCount = Object.values(state.servers).reduce((n, s) => n + Object.keys(s.tools).length, 0);
  const files = Object.keys(state.blobs).length;
  const errors = state.problems.filter((p) => p.severity === 'error').length;

  const tree = await medianMs(() => readTree(gitDir, 'refs/heads/main'));
  const desired = await medianMs(() => readDesiredState(gitDir));
  const fmt = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(', ');
  console.log(`synthetic repo: ${toolCount} tools, ${files} files, ${errors} errors (built in ${buildMs.toFixed(0)} ms)`);
  console.log(`readTree          median ${tree.median.toFixed(0)} ms  [${fmt(tree.all)}]`);
  console.log(`readDesiredState  median ${desired.median.toFixed(0)} ms  [${fmt(desired.all)}]  target < 1000 ms: ${desired.median < 1000 ? 'met' : 'MISSED'}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
