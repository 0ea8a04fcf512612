// How a sandbox child is started: which files it may read, which Node flags lock it down, and
// whether it gets its own (empty) network namespace. Kept in one place so the security posture of
// the child can be reviewed in one screen.

import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url)); // sandbox/src/child
const srcDir = path.dirname(here); // sandbox/src

function packageDir(specifier: string): string {
  let dir = path.dirname(fileURLToPath(import.meta.resolve(specifier)));
  while (path.basename(dir) !== specifier && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir + '/';
}

export interface SandboxFiles {
  pyodideDir: string;
  pyodideModuleUrl: string;
  pyodideVersion: string;
  runnerDir: string;
  httpClientPath: string;
  controlEntry: string;
  snapshotBuilderEntry: string;
  /** Everything a child must be able to read besides the snapshot. */
  readable: string[];
}

let files: SandboxFiles | undefined;
export async function sandboxFiles(): Promise<SandboxFiles> {
  if (files) return files;
  const pyodideDir = packageDir('pyodide');
  const zodDir = packageDir('zod');
  const { readFile } = await import('node:fs/promises');
  const pyodideVersion = (JSON.parse(await readFile(`${pyodideDir}package.json`, 'utf8')) as { version: string }).version;
  files = {
    pyodideDir,
    pyodideModuleUrl: import.meta.resolve('pyodide'),
    pyodideVersion,
    runnerDir: `${srcDir}/runner/`,
    httpClientPath: `${srcDir}/runner/http_client.py`,
    controlEntry: `${here}/control.ts`,
    snapshotBuilderEntry: `${here}/build-snapshot.ts`,
    readable: [
      pyodideDir, zodDir, `${here}/`, `${srcDir}/ipc/`, `${srcDir}/secrets/`, `${srcDir}/runner/`, `${srcDir}/limits.ts`,
    ],
  };
  return files;
}

let unshareProbe: string | null | undefined;
/** Absolute path of `unshare` when this OS lets us create a user + network namespace, else null. */
export function unshareCommand(): string | null {
  if (unshareProbe !== undefined) return unshareProbe;
  unshareProbe = null;
  for (const candidate of ['/usr/bin/unshare', '/bin/unshare']) {
    const probe = spawnSync(candidate, ['--user', '--map-root-user', '--net', process.execPath, '-e', '0'], {
      stdio: 'ignore', timeout: 5000, env: {},
    });
    if (probe.status === 0) {
      unshareProbe = candidate;
      break;
    }
  }
  return unshareProbe;
}

export interface SpawnLine {
  command: string;
  args: string[];
  netns: boolean;
  /**
   * Working directory of the child. Never `/`: Node 24 lets *worker threads* read everything under
   * the process's cwd regardless of --allow-fs-read (measured: with cwd `/`, a worker read
   * /etc/passwd). We use the Pyodide package directory, which the child may read anyway.
   */
  cwd: string;
}

export function spawnLine(opts: {
  entry: string;
  entryArg: string;
  readable: string[];
  writable?: string[];
  allowWorker: boolean;
  wasmMaxBytes: number;
  useNetns: boolean;
  /** A directory the child may read anyway (see SpawnLine.cwd). */
  cwd: string;
}): SpawnLine {
  const unshare = opts.useNetns ? unshareCommand() : null;
  const nodeFlags = [
    '--permission',
    ...opts.readable.map((p) => `--allow-fs-read=${p}`),
    ...(opts.writable ?? []).map((p) => `--allow-fs-write=${p}`),
    ...(opts.allowWorker ? ['--allow-worker'] : []),
    '--disallow-code-generation-from-strings',
    `--wasm-max-mem-pages=${Math.ceil(opts.wasmMaxBytes / 65536)}`,
    '--max-old-space-size=256',
    '--no-warnings',
    opts.entry,
    opts.entryArg,
  ];
  return unshare
    ? { command: unshare, args: ['--user', '--map-root-user', '--net', process.execPath, ...nodeFlags], netns: true, cwd: opts.cwd }
    : { command: process.execPath, args: nodeFlags, netns: false, cwd: opts.cwd };
}
