// Bench: what `mcpbox stdio` costs beside a running `mcpbox up` (bridged to its /mcp) against the
// baseline of the same calls straight over HTTP, and against `mcpbox stdio` alone (embedded: its own
// reconciler and sandbox), all measured in this run on real processes. Figures: medians and ratios.
//   node bench/src/stdio-bridge.ts [calls=50] [starts=5]
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { ensureSnapshot } from '@mcpbox/sandbox';

const CALLS = Number(process.argv[2] ?? 50);
const STARTS = Number(process.argv[3] ?? 5);
const BIN = fileURLToPath(new URL('../../bin/mcpbox.js', import.meta.url));
const env = (dataDir: string, extra: Record<string, string> = {}) => ({ PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', MCPBOX_DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...extra });

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Samples of each target, interleaved call by call so drift in the machine's load hits all alike. */
async function interleaved(calls: number, targets: Array<() => Promise<unknown>>): Promise<number[][]> {
  for (let i = 0; i < 3; i++) for (const fn of targets) await fn();
  const out: number[][] = targets.map(() => []);
  for (let i = 0; i < calls; i++) {
    for (const [k, fn] of targets.entries()) {
      const t0 = performance.now();
      await fn();
      out[k]!.push(performance.now() - t0);
    }
  }
  return out;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

async function dataDirWithSnapshot(cache: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'mcpbox-bench-stdio-'));
  const snapshot = await ensureSnapshot(cache);
  mkdirSync(join(dir, 'cache'), { recursive: true });
  for (const file of [snapshot, `${snapshot}.json`]) copyFileSync(file, join(dir, 'cache', basename(file)));
  return dir;
}

async function untilLive(client: Client): Promise<void> {
  while (!(await client.listTools()).tools.some((t) => t.name === 'examples__text_stats')) await new Promise((r) => setTimeout(r, 100));
}

async function stdioClient(dataDir: string): Promise<Client> {
  const client = new Client({ name: 'bench-stdio', version: '1.0.0' }, { versionNegotiation: { mode: 'legacy' } });
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [BIN, 'stdio'], env: env(dataDir), stderr: 'ignore' }));
  return client;
}

const cache = mkdtempSync(join(tmpdir(), 'mcpbox-bench-stdio-cache-'));
const dirs: string[] = [];
let up: ChildProcess | null = null;
try {
  const shared = await dataDirWithSnapshot(cache);
  const alone = await dataDirWithSnapshot(cache);
  dirs.push(shared, alone);
  const port = await freePort();
  up = spawn(process.execPath, [BIN, 'up'], { env: env(shared, { MCPBOX_PORT: String(port) }), stdio: ['ignore', 'ignore', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let text = '';
    up!.stderr!.on('data', (c: Buffer) => {
      text += c.toString();
      if (text.includes('claude mcp add')) resolve();
    });
    up!.once('exit', (code) => reject(new Error(`mcpbox up exited (${code}): ${text}`)));
  });

  const http = new Client({ name: 'bench-http', version: '1.0.0' }, { versionNegotiation: { mode: 'legacy' } });
  await http.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`)));
  await untilLive(http);
  const bridged = await stdioClient(shared);
  const embedded = await stdioClient(alone);
  await untilLive(embedded);

  const kinds: Array<[label: string, run: (c: Client) => Promise<unknown>]> = [
    ['tools/list', (c) => c.listTools()],
    ['mcpbox_get_server (reads main)', (c) => c.callTool({ name: 'mcpbox_get_server', arguments: { server_id: 'examples' } })],
    ['examples__text_stats (Python in the sandbox)', (c) => c.callTool({ name: 'examples__text_stats', arguments: { text: 'one two three' } })],
  ];
  for (const [label, run] of kinds) {
    const [direct, viaBridge, alongside] = (await interleaved(CALLS, [() => run(http), () => run(bridged), () => run(embedded)])).map(median) as [number, number, number];
    console.log(`${label}: HTTP ${direct.toFixed(2)} ms, stdio bridged ${viaBridge.toFixed(2)} ms (×${(viaBridge / direct).toFixed(2)}), stdio embedded ${alongside.toFixed(2)} ms (×${(alongside / direct).toFixed(2)}) — medians of ${CALLS}`);
  }
  await bridged.close();
  await embedded.close();
  await http.close();

  // From spawning `mcpbox stdio` to the first tools/list that lists the live Python tool.
  const startBridged: number[] = [];
  const startEmbedded: number[] = [];
  for (let i = 0; i < STARTS; i++) {
    for (const [dir, into] of [[shared, startBridged], [alone, startEmbedded]] as const) {
      const t0 = performance.now();
      const c = await stdioClient(dir);
      await untilLive(c);
      into.push(performance.now() - t0);
      await c.close();
    }
  }
  const b = median(startBridged);
  const e = median(startEmbedded);
  console.log(`start to live tools/list: bridged ${b.toFixed(0)} ms, embedded ${e.toFixed(0)} ms (bridged/embedded ×${(b / e).toFixed(2)}) — medians of ${STARTS}`);
} finally {
  if (up !== null && up.exitCode === null) {
    up.kill('SIGTERM');
    await new Promise((r) => up!.once('exit', r));
  }
  for (const dir of [...dirs, cache]) rmSync(dir, { recursive: true, force: true });
}
