// `npm run check:deps` (knip, configured in knip.ts) fails on each kind of defect it exists for, and
// names exactly that defect: a package a workspace imports without declaring it, a declared package
// nothing imports, an export nothing imports. Each is planted alone in a copy of the tree (its
// node_modules linked, the @mcpbox/* links pointing into the copy); the unmodified copy passes.
import { execFile } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const WORKSPACES = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { workspaces: string[] }).workspaces;
// what is installed, built or run-time data (see .gitignore), and git's own files
const SKIP = new Set(['.git', 'site/dist', 'site/.astro', 'bench/results', 'coverage', '.mcpbox']);
const CHECK_TIMEOUT_MS = 240_000;

let copy: string | undefined;

afterEach(() => {
  if (copy !== undefined) rmSync(copy, { recursive: true, force: true });
  copy = undefined;
});

/** A copy of the work tree without installed or built files, linked to the installed packages. */
function copyTree(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mcpbox-check-deps-'));
  cpSync(ROOT, dir, {
    recursive: true,
    filter: (source) => {
      const path = relative(ROOT, source);
      return !SKIP.has(path) && !path.split('/').includes('node_modules');
    },
  });
  mkdirSync(join(dir, 'node_modules', '@mcpbox'), { recursive: true });
  for (const name of readdirSync(join(ROOT, 'node_modules'))) {
    if (name !== '@mcpbox') symlinkSync(join(ROOT, 'node_modules', name), join(dir, 'node_modules', name));
  }
  for (const workspace of WORKSPACES) {
    const manifest = JSON.parse(readFileSync(join(dir, workspace, 'package.json'), 'utf8')) as { name: string };
    symlinkSync(join(dir, workspace), join(dir, 'node_modules', manifest.name));
    const own = join(ROOT, workspace, 'node_modules');
    if (existsSync(own)) symlinkSync(own, join(dir, workspace, 'node_modules'));
  }
  copy = dir;
  return dir;
}

interface CheckResult {
  code: number;
  /** Each reported section ("Unused exports", …) with its items, whitespace collapsed; hints left out. */
  issues: Record<string, string[]>;
  output: string;
}

function runCheck(dir: string): Promise<CheckResult> {
  return new Promise((resolve) => {
    execFile('npm', ['run', '--silent', 'check:deps'], { cwd: dir, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' }, timeout: CHECK_TIMEOUT_MS }, (err, stdout, stderr) => {
      const issues: Record<string, string[]> = {};
      let section: string[] | undefined;
      for (const line of stdout.split('\n')) {
        const header = /^(\S.*?) \(\d+\)\s*$/.exec(line);
        if (header) section = header[1] === 'Configuration hints' ? undefined : (issues[header[1]!] = []);
        else if (section && line.trim() !== '') section.push(line.trim().replace(/\s+/g, ' '));
      }
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
      resolve({ code, issues, output: `${stdout}\n${stderr}` });
    });
  });
}

function editJson(file: string, edit: (value: Record<string, Record<string, string>>) => void): void {
  const value = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Record<string, string>>;
  edit(value);
  writeFileSync(file, JSON.stringify(value, null, 2) + '\n');
}

describe('npm run check:deps', () => {
  it('passes on the tree as it is', async () => {
    const result = await runCheck(copyTree());
    expect(result.issues, result.output).toEqual({});
    expect(result.code, result.output).toBe(0);
  }, CHECK_TIMEOUT_MS);

  it('fails on an import of a package the workspace does not declare (one that hoisting would hide)', async () => {
    const dir = copyTree();
    // zod is installed at the root (core declares it) but bench does not declare it.
    expect(JSON.parse(readFileSync(join(dir, 'bench/package.json'), 'utf8')).dependencies).not.toHaveProperty('zod');
    appendFileSync(join(dir, 'bench/src/run.ts'), "\nimport 'zod';\n");
    const result = await runCheck(dir);
    expect(result.code).not.toBe(0);
    expect(result.issues).toEqual({ 'Unlisted dependencies': [expect.stringMatching(/^zod bench\/src\/run\.ts:\d+:\d+$/)] });
  }, CHECK_TIMEOUT_MS);

  it('fails on a declared dependency that nothing imports', async () => {
    const dir = copyTree();
    // ajv is installed (core's tests use it); the reconciler never imports it.
    editJson(join(dir, 'reconciler/package.json'), (pkg) => {
      pkg['dependencies'] = { ...pkg['dependencies'], ajv: '^8.20.0' };
    });
    const result = await runCheck(dir);
    expect(result.code).not.toBe(0);
    expect(result.issues).toEqual({ 'Unused dependencies': [expect.stringMatching(/^ajv reconciler\/package\.json:\d+:\d+$/)] });
  }, CHECK_TIMEOUT_MS);

  it('fails on an export that nothing imports', async () => {
    const dir = copyTree();
    appendFileSync(join(dir, 'core/src/git/runner.ts'), '\nexport const PLANTED_UNUSED_EXPORT = 1;\n');
    const result = await runCheck(dir);
    expect(result.code).not.toBe(0);
    expect(result.issues).toEqual({ 'Unused exports': [expect.stringMatching(/^PLANTED_UNUSED_EXPORT core\/src\/git\/runner\.ts:\d+:\d+$/)] });
  }, CHECK_TIMEOUT_MS);
});
