// `mcpbox up`'s log lines as a person and a log collector see them: on a pseudo-terminal (util-linux
// `script`) readable one-line logs and no JSON; through a pipe JSON lines. Health and readiness
// probes are debug lines, so at the default level they do not show at all.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, childEnv, exited, freePort, startCli } from '../support/cli-process.ts';
import { newDataDir } from './gateway-process.ts';

const dirs: string[] = [];
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;

async function until<T>(probe: () => T | null | undefined | false, ms: number, what: string): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== null && value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Hits the probes several times and one route that is logged at info. */
async function exercise(origin: string): Promise<void> {
  for (let i = 0; i < 4; i++) {
    expect((await fetch(`${origin}/healthz`)).status).toBe(200);
    await fetch(`${origin}/readyz`);
  }
  expect((await fetch(`${origin}/metrics`)).status).toBe(200);
}

function isJsonObject(line: string): boolean {
  try {
    return typeof JSON.parse(line) === 'object';
  } catch {
    return false;
  }
}

beforeAll(async () => {
  dirs.push(await newDataDir(), await newDataDir(), await newDataDir());
}, 300_000);

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('mcpbox up logs', () => {
  it('on a terminal: readable one-line logs, no JSON, no probe lines at info', async () => {
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    // script(1) gives the command a pseudo-terminal for stdin, stdout and stderr; -e returns its exit code.
    const child = spawn('script', ['-qfec', `exec ${process.execPath} ${BIN} up`, '/dev/null'], {
      env: childEnv({ MCPBOX_DATA_DIR: dirs[0]!, MCPBOX_PORT: String(port), LOG_LEVEL: 'info' }),
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      await until(() => /claude mcp add/.test(output), 120_000, 'the start banner');
      await exercise(origin);
      // Fastify's two lines of the request, tied by its id.
      const reqId = await until(() => /INFO: incoming request GET \/metrics reqId=([0-9a-f-]{36})/.exec(output.replace(ANSI, ''))?.[1], 20_000, 'the /metrics request line');
      await until(() => new RegExp(`INFO: request completed 200 \\d+ms reqId=${reqId}`).test(output.replace(ANSI, '')), 20_000, 'the /metrics completion line');
    } finally {
      process.kill(-child.pid!, 'SIGTERM');
      await exited(child);
    }
    const lines = output.replace(ANSI, '').split(/\r?\n/).filter((line) => line.trim() !== '');
    const logLines = lines.filter((line) => /^\[\d\d:\d\d:\d\d\.\d{3}\] [A-Z]+: /.test(line));
    expect(logLines.find((line) => line.includes('created the tools repo from the template'))).toMatch(/^\[[\d:.]+\] INFO: created the tools repo from the template repo=\/\S+ main=[0-9a-f]{40}$/);
    expect(logLines.some((line) => / INFO: incoming request GET \/metrics reqId=[0-9a-f-]{36}$/.test(line))).toBe(true);
    expect(lines.filter(isJsonObject)).toEqual([]);
    expect(lines.filter((line) => line.includes('/healthz') || line.includes('/readyz'))).toEqual([]);
  }, 240_000);

  it('through a pipe: JSON lines, probes at debug (level 20) and other requests at info', async () => {
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    const { child, stdout } = await startCli(['up'], { MCPBOX_DATA_DIR: dirs[1]!, MCPBOX_PORT: String(port), LOG_LEVEL: 'debug' }, /claude mcp add/, 120_000);
    try {
      await exercise(origin);
      await until(() => stdout().includes('"url":"/metrics"'), 20_000, 'the /metrics request line');
    } finally {
      child.kill('SIGTERM');
      await exited(child);
    }
    const lines = stdout().split('\n').filter((line) => line !== '');
    const entries = lines.map((line) => JSON.parse(line) as { level: number; msg: string; req?: { url: string } });
    const probes = entries.filter((entry) => entry.req?.url === '/healthz' || entry.req?.url === '/readyz');
    expect(probes).toHaveLength(8);
    expect(new Set(probes.map((entry) => entry.level))).toEqual(new Set([20]));
    expect(entries.find((entry) => entry.req?.url === '/metrics')).toMatchObject({ level: 30, msg: 'incoming request' });
  }, 240_000);

  it('LOG_FORMAT=pretty gives readable lines through a pipe too, and a bad value stops start-up naming it', async () => {
    const port = await freePort();
    const { child, stdout } = await startCli(['up'], { MCPBOX_DATA_DIR: dirs[2]!, MCPBOX_PORT: String(port), LOG_FORMAT: 'pretty' }, /claude mcp add/, 120_000);
    child.kill('SIGTERM');
    await exited(child);
    const lines = stdout().split('\n').filter((line) => line !== '');
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.filter(isJsonObject)).toEqual([]);
    expect(lines.some((line) => /^\[[\d:.]+\] INFO: created the tools repo from the template repo=/.test(line))).toBe(true);

    const bad = spawn(process.execPath, [BIN, 'up'], { env: childEnv({ MCPBOX_DATA_DIR: dirs[2]!, LOG_FORMAT: 'yaml' }), stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    bad.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    expect(await exited(bad)).not.toBe(0);
    expect(stderr).toContain('LOG_FORMAT: expected json or pretty (unset: pretty on a terminal, JSON otherwise), got "yaml"');
  }, 240_000);
});
