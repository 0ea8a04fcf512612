// The Pyodide memory snapshot: booting Python from scratch takes ≈2 s, loading this heap image
// ≈0.3 s. Built once per pyodide version (and per build recipe) in a locked-down child, cached as
// `<cacheDir>/pyodide-<version>.snapshot` with a sidecar `.json` that records what it was built from,
// so a version bump, a changed pre-import list or a changed runner triggers a rebuild.

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { SAFE_MODULES } from '../policy/safe-modules.ts';
import { sandboxFiles, spawnLine } from '../child/spawn-line.ts';

const RUNNER_MODULES = ['ast', 'base64', 'builtins', 'contextvars', 'dataclasses', 'decimal', 'hashlib', 'importlib', 'inspect', 'io', 'math', 'types', 'traceback'];
const BUILD_TIMEOUT_MS = 180_000;

export class SnapshotBuildError extends Error {
  readonly code = 'snapshot_build_failed';
}

async function readOrEmpty(file: string): Promise<string> {
  return fs.readFile(file, 'utf8').catch(() => '');
}

const inFlight = new Map<string, Promise<string>>();

/** Path of a snapshot that matches the installed pyodide, building it first when needed. */
export function ensureSnapshot(cacheDir: string): Promise<string> {
  const key = path.resolve(cacheDir);
  let pending = inFlight.get(key);
  if (!pending) {
    pending = buildIfStale(key).finally(() => inFlight.delete(key));
    inFlight.set(key, pending);
  }
  return pending;
}

async function buildIfStale(cacheDir: string): Promise<string> {
  const files = await sandboxFiles();
  const snapshotPath = path.join(cacheDir, `pyodide-${files.pyodideVersion}.snapshot`);
  const metaPath = `${snapshotPath}.json`;
  const preimports = [...new Set([...SAFE_MODULES, ...RUNNER_MODULES])].sort();
  const recipe = createHash('sha256')
    .update(files.pyodideVersion)
    .update(await fs.readFile(files.snapshotBuilderEntry))
    .update(JSON.stringify(preimports))
    .update(await readOrEmpty(`${files.runnerDir}runner.py`))
    .update(await readOrEmpty(`${files.runnerDir}analyze.py`))
    .update(await readOrEmpty(files.httpClientPath))
    .digest('hex');

  try {
    const meta = JSON.parse(await fs.readFile(metaPath, 'utf8')) as { recipe?: string };
    await fs.access(snapshotPath);
    if (meta.recipe === recipe) return snapshotPath;
  } catch {
    /* missing or unreadable: build */
  }

  await fs.mkdir(cacheDir, { recursive: true });
  const line = spawnLine({
    entry: files.snapshotBuilderEntry,
    entryArg: JSON.stringify({
      pyodideDir: files.pyodideDir, pyodideModuleUrl: files.pyodideModuleUrl, outPath: snapshotPath, preimports,
      runnerDir: files.runnerDir, httpClientPath: files.httpClientPath,
    }),
    readable: [...files.readable, `${cacheDir}/`], // rename needs read access too
    writable: [`${cacheDir}/`],
    allowWorker: false,
    wasmMaxBytes: 1024 * 1024 * 1024,
    useNetns: true,
    cwd: files.pyodideDir,
  });
  const stderr: string[] = [];
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(line.command, line.args, { stdio: ['ignore', 'ignore', 'pipe'], env: {}, cwd: line.cwd });
    const timer = setTimeout(() => child.kill('SIGKILL'), BUILD_TIMEOUT_MS);
    child.stderr.on('data', (d: Buffer) => { if (stderr.join('').length < 4000) stderr.push(d.toString()); });
    child.on('error', () => resolve(-1));
    child.on('exit', (c) => { clearTimeout(timer); resolve(c); });
  });
  if (code !== 0) {
    throw new SnapshotBuildError(
      `building the Pyodide snapshot in ${cacheDir} failed (exit ${code}): ${stderr.join('').slice(0, 1000)}. ` +
      'Check that the directory is writable and that the pyodide package is installed.',
    );
  }
  const tempMeta = `${metaPath}.tmp-${process.pid}`;
  await fs.writeFile(tempMeta, JSON.stringify({ pyodideVersion: files.pyodideVersion, recipe, builtAt: new Date().toISOString() }));
  await fs.rename(tempMeta, metaPath);
  return snapshotPath;
}
