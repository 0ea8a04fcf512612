// Project lint: the rules a type checker cannot see. Run by `npm run check` after `tsc --noEmit`.
// 1. Layers: each part imports only what it may call.
// 2. No dumping-ground modules (`utils`, `helpers`, `misc`).
// 3. Library code logs through its logger, not console.* (CLI commands and scripts may print).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

interface LayerRule {
  dir: string;
  forbidden: RegExp[]; // import specifiers this layer must not use
  why: string;
}

const rules: LayerRule[] = [
  {
    dir: 'core/src',
    forbidden: [/^@mcpbox\/(sandbox|reconciler|gateway)/, /^@modelcontextprotocol\//, /^pyodide/, /^fastify/],
    why: 'core owns the repo format, git, forges and state; it never touches MCP or Pyodide',
  },
  {
    dir: 'sandbox/src',
    forbidden: [/^@mcpbox\/(core|reconciler|gateway)/, /^simple-git/, /^isomorphic-git/, /^@modelcontextprotocol\//, /^fastify/],
    why: 'the sandbox runs code; it never reads git, forges or the secrets store',
  },
  {
    dir: 'reconciler/src',
    forbidden: [/^@mcpbox\/gateway/, /^@modelcontextprotocol\//, /^fastify/],
    why: 'the reconciler reads main and applies it; it does not serve MCP',
  },
];

const forbiddenFileNames = /(^|[/_-])(utils?|helpers?|misc|common)\.ts$/;
const importPattern = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function* walk(dir: string): Generator<string> {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of entries) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) yield* walk(full);
    else if (full.endsWith('.ts')) yield full;
  }
}

const problems: string[] = [];
for (const part of ['core/src', 'sandbox/src', 'reconciler/src', 'gateway/src', 'bench/src']) {
  for (const file of walk(join(root, part))) {
    const rel = relative(root, file);
    const text = readFileSync(file, 'utf8');
    if (forbiddenFileNames.test(rel)) problems.push(`${rel}: name the module after what it is; no utils/helpers/misc/common modules`);
    const rule = rules.find((r) => rel.startsWith(r.dir + '/'));
    for (const m of text.matchAll(importPattern)) {
      const spec = m[1] ?? m[2] ?? '';
      const line = text.slice(0, m.index).split('\n').length + (text[m.index] === '\n' ? 1 : 0);
      if (rule?.forbidden.some((f) => f.test(spec))) problems.push(`${rel}:${line}: imports ${spec} — ${rule.why}`);
      if (spec.startsWith('.') && /\.\.\/\.\.\/\.\.\//.test(spec) && /^(\.\.\/)+(core|sandbox|reconciler|gateway)\//.test(spec)) {
        problems.push(`${rel}:${line}: reaches into another package by path (${spec}); import its public surface @mcpbox/<name>`);
      }
    }
    const library = !rel.includes('/cli/') && !rel.startsWith('bench/');
    if (library) {
      text.split('\n').forEach((l, i) => {
        if (/\bconsole\.(log|error|warn|info|debug)\(/.test(l) && !l.includes('lint-allow-console')) {
          problems.push(`${rel}:${i + 1}: console.* in library code; use the logger (or mark the line lint-allow-console with a reason)`);
        }
      });
    }
  }
}

if (problems.length) {
  for (const p of problems) console.error(p);
  console.error(`\n${problems.length} lint problem(s).`);
  process.exit(1);
}
console.log('lint: layers, module names and logging are clean');
