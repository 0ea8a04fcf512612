// Bench: the first tool call after the gateway says it is ready, against a warm call of the same tool
// in the same run. Over HTTP (`mcpbox up`, first call after /readyz answers 200) and over stdio
// (`mcpbox stdio`, embedded, first call once the tool is listed). Each start is a fresh process on a
// data dir that has been started once before (the usual restart: analyses cached, snapshot built).
// Figures: medians over the starts, and first/warm ratios.
//   node bench/src/gateway-first-call.ts [starts=5]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';

const STARTS = Number(process.argv[2] ?? 5);
const WARM_CALLS = 20;
const BIN = fileURLToPath(new URL('../../bin/mcpbox.js', import.meta.url));
const TOOL = { name: 'examples__text_stats', arguments: { text: 'The cat saw the dog. The end!' } };
const env = (dataDir: string, extra: Record<string, string> = {}) => ({
  PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', MCPBOX_DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...extra,
});

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
const round = (n: number): number => Math.round(n * 10) / 10;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

async function timedCall(client: Client): Promise<number> {
  const t0 = performance.now();
  const result = await client.callTool(TOOL);
  if (result.isError) throw new Error(`the tool failed: ${JSON.stringify(result.content).slice(0, 300)}`);
  return performance.now() - t0;
}

async function warmCalls(client: Client): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < WARM_CALLS; i++) samples.push(await timedCall(client));
  return median(samples);
}

interface Start { readyMs: number; firstMs: number; warmMs: number }

async function httpStart(dataDir: string): Promise<Start> {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(process.execPath, [BIN, 'up'], { env: env(dataDir, { MCPBOX_PORT: String(port) }), stdio: 'ignore' });
  try {
    for (;;) {
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false);
      if (ready) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const readyMs = performance.now() - t0;
    const client = new Client({ name: 'bench-first-call', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`)));
    const firstMs = await timedCall(client);
    const warmMs = await warmCalls(client);
    await client.close();
    return { readyMs, firstMs, warmMs };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

async function stdioStart(dataDir: string): Promise<Start> {
  const t0 = performance.now();
  const client = new Client({ name: 'bench-first-call', version: '1.0.0' });
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [BIN, 'stdio'], env: env(dataDir), stderr: 'ignore' }));
  try {
    while (!(await client.listTools()).tools.some((t) => t.name === TOOL.name)) await new Promise((r) => setTimeout(r, 20));
    const readyMs = performance.now() - t0;
    const firstMs = await timedCall(client);
    const warmMs = await warmCalls(client);
    return { readyMs, firstMs, warmMs };
  } finally {
    await client.close();
  }
}

function summary(starts: Start[]): Record<string, number> {
  const first = median(starts.map((s) => s.firstMs));
  const warm = median(starts.map((s) => s.warmMs));
  return {
    ready_ms_p50: round(median(starts.map((s) => s.readyMs))),
    first_call_ms_p50: round(first),
    first_call_ms_max: round(Math.max(...starts.map((s) => s.firstMs))),
    warm_call_ms_p50: round(warm),
    ratio_first_to_warm: round(first / warm),
  };
}

const dataDir = mkdtempSync(join(tmpdir(), 'mcpbox-bench-first-'));
try {
  await httpStart(dataDir); // first start ever: creates the repo, builds the snapshot, analyzes
  const http: Start[] = [];
  const stdio: Start[] = [];
  for (let i = 0; i < STARTS; i++) {
    http.push(await httpStart(dataDir));
    stdio.push(await stdioStart(dataDir));
  }
  console.log(JSON.stringify({ starts: STARTS, http: summary(http), stdio: summary(stdio) }, null, 2));
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
