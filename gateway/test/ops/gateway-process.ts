// `mcpbox up` as a real child process on a temp data dir, for tests that need to signal or kill the
// gateway. The Pyodide snapshot is built once per test run and copied into each data dir, so the
// reconciler's first analysis does not pay for a build.
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { ensureSnapshot } from '@mcpbox/sandbox';
import { freePort, startCli } from '../support/cli-process.ts';

const SNAPSHOT_CACHE = join(tmpdir(), 'mcpbox-ops-test-cache');

export interface GatewayProcess {
  child: ChildProcess;
  pid: number;
  url: string;
  origin: string;
  dataDir: string;
  stderr(): string;
}

export async function newDataDir(): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), 'mcpbox-ops-'));
  const snapshot = await ensureSnapshot(SNAPSHOT_CACHE);
  mkdirSync(join(dataDir, 'cache'), { recursive: true });
  for (const file of [snapshot, `${snapshot}.json`]) copyFileSync(file, join(dataDir, 'cache', basename(file)));
  return dataDir;
}

export async function startGatewayProcess(dataDir: string, env: Record<string, string> = {}): Promise<GatewayProcess> {
  const port = await freePort();
  const { child, stderr } = await startCli(['up'], { MCPBOX_DATA_DIR: dataDir, MCPBOX_PORT: String(port), LOG_LEVEL: 'warn', ...env }, /claude mcp add/, 120_000);
  const url = `http://127.0.0.1:${port}/mcp`;
  return { child, pid: child.pid!, url, origin: new URL(url).origin, dataDir, stderr };
}

/** Every live descendant of `pid` (children, grandchildren, …), from /proc. */
export function descendants(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // Field 4 (ppid) follows the command in parentheses, which may itself contain spaces.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = parents.get(ppid) ?? [];
      list.push(Number(name));
      parents.set(ppid, list);
    } catch {
      // the process ended while we looked
    }
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    for (const child of parents.get(queue.shift()!) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}
