// How long does `npm run build -w site` take, and does it stay offline? Builds the status site
// five times into a temp dir (median reported) with telemetry off, first without data (the shell
// the gateway serves) and then with data.json composed from a template repo (a Pages build), and
// also times composing data.json itself: once from the template repo in a fresh process (what the
// Pages job does) and in-process for a synthetic 1,000-tool repo, cold and warm (what the gateway
// does per revision, then per request). Run inside `unshare -n` to prove it needs no network.
// Run: node bench/src/site-build.ts [tools]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initRepo, resolveCommit } from '@mcpbox/core';
import { SiteDataComposer } from '@mcpbox/site';
import { buildSyntheticRepo } from './reconcile-synthetic-repo.ts';

const runs = 5;
const syntheticTools = Number(process.argv[2] ?? 1000);
const root = new URL('../../', import.meta.url).pathname;
const siteDir = join(root, 'site');
const astro = join(root, 'node_modules/.bin/astro');

function medianMs(work: () => void): { median: number; all: number[] } {
  const all: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    work();
    all.push(performance.now() - start);
  }
  const sorted = [...all].sort((a, b) => a - b);
  return { median: sorted[Math.floor(runs / 2)] ?? NaN, all };
}

const dir = mkdtempSync(join(tmpdir(), 'mcpbox-bench-site-'));
try {
  const repo = join(dir, 'repo.git');
  await initRepo(repo, join(root, 'tools-repo-template'), { name: 'bench', email: 'bench@localhost' });
  const data = join(dir, 'data.json');
  const baseEnv: NodeJS.ProcessEnv = { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', ASTRO_TELEMETRY_DISABLED: '1' };
  const build = (env: NodeJS.ProcessEnv) => () => {
    execFileSync(astro, ['build', '--outDir', join(dir, 'dist')], { cwd: siteDir, env, stdio: 'ignore' });
  };
  const compose = medianMs(() => {
    execFileSync(process.execPath, [join(siteDir, 'scripts/compose-data.ts'), '--repo', repo, '--out', data], { stdio: 'ignore' });
  });
  const shell = medianMs(build(baseEnv));
  const withData = medianMs(build({ ...baseEnv, MCPBOX_SITE_DATA: data }));
  const synthetic = join(dir, 'synthetic.git');
  buildSyntheticRepo(synthetic, syntheticTools);
  const main = await resolveCommit(synthetic, 'refs/heads/main');
  const composer = new SiteDataComposer({ gitDir: synthetic });
  const sources = { source: 'gateway', mainRevision: main, live: null, status: null, pulls: [] } as const;
  let started = performance.now();
  const first = await composer.compose(sources);
  const coldMs = performance.now() - started;
  started = performance.now();
  await composer.compose(sources);
  const warmMs = performance.now() - started;
  const size = JSON.stringify(first).length;
  const fmt = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(', ');
  console.log(`compose data.json (process)  median ${compose.median.toFixed(0)} ms  [${fmt(compose.all)}]`);
  console.log(`data.json, ${first.tools.length} tools      cold ${coldMs.toFixed(0)} ms, warm ${warmMs.toFixed(1)} ms, ${(size / 1e6).toFixed(2)} MB`);
  console.log(`astro build, shell only      median ${shell.median.toFixed(0)} ms  [${fmt(shell.all)}]`);
  console.log(`astro build, with data.json  median ${withData.median.toFixed(0)} ms  [${fmt(withData.all)}]  target < 10000 ms: ${withData.median < 10_000 ? 'met' : 'MISSED'}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
