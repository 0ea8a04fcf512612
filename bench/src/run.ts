// `npm run bench`: every benchmark, one at a time (they would distort each other on a small machine),
// each as its own process. Output goes to the terminal and to bench/results/<time>/<name>.txt.
// Figures are medians and ratios against a baseline measured in the same run — never pass/fail.
//   npm run bench                 all of them
//   npm run bench -- sandbox      only those whose name contains "sandbox"
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

// Name → script (and arguments). Ordered from quick to slow.
const BENCHES: Array<[name: string, script: string, args: string[]]> = [
  ['read-desired-state', 'read-desired-state.ts', []],
  ['gateway-list-tools', 'gateway-list-tools.ts', ['1000', '100']],
  ['gateway-ops-overhead', 'gateway-ops-overhead.ts', []],
  ['gateway-first-call', 'gateway-first-call.ts', ['3']],
  ['stdio-bridge', 'stdio-bridge.ts', []],
  ['worker-front', 'worker-front.ts', []],
  ['sandbox-runtime', 'sandbox-runtime.ts', []],
  ['sandbox-call-hygiene', 'sandbox-call-hygiene.ts', []],
  ['sandbox-isolation', 'sandbox-isolation.ts', []],
  ['reconcile-merge-to-callable', 'reconcile-merge-to-callable.ts', []],
  ['reconcile-10k', 'reconcile-10k.ts', []],
  ['site-build', 'site-build.ts', []],
];

const filter = process.argv[2];
const selected = BENCHES.filter(([name]) => filter === undefined || name.includes(filter));
if (selected.length === 0) {
  console.error(`no benchmark matches "${filter}"; known: ${BENCHES.map(([n]) => n).join(', ')}`);
  process.exit(2);
}

const outDir = join(here, '..', 'results', new Date().toISOString().replace(/[:.]/g, '-'));
mkdirSync(outDir, { recursive: true });

function runOne(script: string, args: string[]): Promise<{ code: number | null; output: string; seconds: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(here, script), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer, to: NodeJS.WriteStream) => {
      output += chunk.toString();
      to.write(chunk);
    };
    child.stdout.on('data', (c: Buffer) => collect(c, process.stdout));
    child.stderr.on('data', (c: Buffer) => collect(c, process.stderr));
    child.on('close', (code) => resolve({ code, output, seconds: (performance.now() - started) / 1000 }));
  });
}

const summary: string[] = [];
let failures = 0;
for (const [name, script, args] of selected) {
  console.log(`\n=== ${name} ===`);
  const { code, output, seconds } = await runOne(script, args);
  writeFileSync(join(outDir, `${name}.txt`), output);
  if (code !== 0) failures++;
  summary.push(`${name.padEnd(30)} ${code === 0 ? 'done' : `exit ${code}`} in ${seconds.toFixed(1)} s`);
}
console.log(`\n${summary.join('\n')}\nresults: ${outDir}`);
process.exitCode = failures === 0 ? 0 : 1;
