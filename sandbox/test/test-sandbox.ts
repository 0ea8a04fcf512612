// Shared set-up for the sandbox tests: a real pool with a temp data dir, and one snapshot cache for
// the whole test run (building it takes seconds; every file would otherwise build its own).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunPolicy, RunResult } from '../src/contract.ts';
import { createSandbox, type SandboxPool } from '../src/pool/sandbox-pool.ts';
import type { SandboxLog, SandboxOptions } from '../src/pool/options.ts';

export const SHARED_CACHE_DIR = path.join(os.tmpdir(), 'mcpbox-sandbox-test-cache');

export const DEFAULT_POLICY: RunPolicy = { allowedModules: [], grants: [] };

/** A policy that lets everything through the import allowlist, to test the process boundary itself. */
export const ESCAPED_POLICY: RunPolicy = {
  allowedModules: [
    'os', 'sys', 'gc', 'ctypes', 'js', 'pyodide', 'pyodide_js', '_pyodide', '_pyodide_core', 'socket', 'subprocess',
    'importlib', 'signal', 'urllib', 'http', 'ssl', 'select', 'threading', 'multiprocessing', 'builtins', 'inspect',
    'pathlib', 'io', 'shutil', 'tempfile', 'sqlite3', 'marshal', 'pickle', 'posix', 'types', 'weakref', 'mmap',
    'resource', 'fcntl', 'pty', 'runpy', 'code', 'zipimport', 'emscripten', 'platform', 'faulthandler', 'sysconfig',
  ],
  grants: [],
};

export interface CollectedLog extends SandboxLog {
  entries: Array<{ level: string; msg: string; obj: object }>;
}

export function collectingLog(): CollectedLog {
  const entries: CollectedLog['entries'] = [];
  const at = (level: string) => (obj: object, msg: string) => { entries.push({ level, msg, obj }); };
  return { entries, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export interface TestSandbox {
  sandbox: SandboxPool;
  log: CollectedLog;
  dataDir: string;
  run(server: string, code: string, extra?: Partial<Parameters<SandboxPool['run']>[0]>): Promise<RunResult>;
  close(): Promise<void>;
}

export function testSandbox(options: Partial<SandboxOptions> = {}): TestSandbox {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcpbox-sandbox-'));
  const log = collectingLog();
  const sandbox = createSandbox({ dataDir, cacheDir: SHARED_CACHE_DIR, log, ...options });
  return {
    sandbox,
    log,
    dataDir,
    run: (server, code, extra = {}) =>
      sandbox.run({ server, domain: { kind: 'live' }, tool: 'probe', code, args: {}, policy: DEFAULT_POLICY, ...extra }),
    async close() {
      await sandbox.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** `async def main()` whose body is `body` (indented for you). */
export function tool(body: string, params = ''): string {
  const lines = body.trim().split('\n').map((l) => `    ${l}`).join('\n');
  return `async def main(${params}):\n${lines}\n`;
}

/** Is the process with this pid still alive? */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
