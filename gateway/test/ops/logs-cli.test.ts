// `mcpbox logs` reads the execution log of a data dir: the newest calls, one tool's calls, JSON
// lines, and --follow printing calls as they are recorded until it is stopped.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ExecutionLogRepository, openStateStore, type ExecutionLogInput } from '@mcpbox/core';
import { BIN, childEnv, exited, runCli } from '../support/cli-process.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'mcpbox-logs-cli-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const entry = (tool: string, n: number, success = true): ExecutionLogInput => ({
  at: new Date(Date.UTC(2026, 10, 22, 4, 0, n)).toISOString(),
  tool,
  server: tool.includes('__') ? tool.split('__')[0]! : null,
  revision: 'a'.repeat(40),
  caller: 'alice',
  isTest: false,
  success,
  argsJson: JSON.stringify({ n }),
  resultJson: success ? JSON.stringify({ ok: n }) : null,
  stdout: null,
  error: success ? null : `ValueError: bad ${n}`,
  durationMs: 12,
  requestId: null,
});

function append(...entries: ExecutionLogInput[]): void {
  const store = openStateStore(dataDir);
  try {
    new ExecutionLogRepository(store).append(entries);
  } finally {
    store.close();
  }
}

describe('mcpbox logs', () => {
  it('prints the newest calls oldest first, filters by tool, and emits JSON lines', async () => {
    append(entry('examples__text_stats', 1), entry('mcpbox_list_servers', 2), entry('examples__text_stats', 3, false));
    const all = await runCli(['logs'], { MCPBOX_DATA_DIR: dataDir, NO_COLOR: '1' });
    expect(all.code).toBe(0);
    const lines = all.stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/examples__text_stats .*by alice .*args \{"n":1\}/);
    expect(lines[2]).toMatch(/ERR .*ValueError: bad 3/);
    const one = await runCli(['logs', '--tool', 'examples__text_stats', '--limit', '1', '--json'], { MCPBOX_DATA_DIR: dataDir });
    const parsed = one.stdout.trim().split('\n').map((l) => JSON.parse(l) as { tool: string; args: unknown; success: boolean });
    expect(parsed).toEqual([expect.objectContaining({ tool: 'examples__text_stats', args: { n: 3 }, success: false })]);
    const bad = await runCli(['logs', '--limit', 'lots'], { MCPBOX_DATA_DIR: dataDir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--limit expects a whole number/);
  });

  it('--follow prints calls recorded after it started, until stopped', async () => {
    const child = spawn(process.execPath, [BIN, 'logs', '--follow', '--json', '--tool', 'examples__text_stats'], { env: childEnv({ MCPBOX_DATA_DIR: dataDir }) });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const until = async (predicate: () => boolean) => {
      const deadline = Date.now() + 20_000;
      while (!predicate()) {
        if (Date.now() > deadline) throw new Error(`timed out; output so far: ${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    await until(() => out.split('\n').filter(Boolean).length === 2); // the two already recorded
    append(entry('mcpbox_list_servers', 4), entry('examples__text_stats', 5));
    await until(() => out.includes('"n":5'));
    expect(out).not.toContain('"n":4');
    child.kill('SIGTERM');
    expect(await exited(child)).toBe(0);
  });
});
