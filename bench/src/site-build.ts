// How long does `npm run build -w site` take, and does it stay offline? Builds the status site
// five times into a temp dir (median reported) with telemetry off, first without data (the shell
// the gateway serves) and then with data.json composed from a template repo (a Pages build), and
// also times composing data.json itself. Run inside `unshare -n` to prove it needs no network.
// Run: node bench/src/site-build.ts
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initRepo } from '@mcpbox/core';

const runs = 5;
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
  const fmt = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(', ');
  console.log(`compose data.json (process)  median ${compose.median.toFixed(0)} ms  [${fmt(compose.all)}]`);
  console.log(`astro build, shell only      median ${shell.median.toFixed(0)} ms  [${fmt(shell.all)}]`);
  console.log(`astro build, with data.json  median ${withData.median.toFixed(0)} ms  [${fmt(withData.all)}]  target < 10000 ms: ${withData.median < 10_000 ? 'met' : 'MISSED'}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
