// Bench: what "running it for real" costs per call. The same cheap management tool over real HTTP on
// 127.0.0.1, first on a bare gateway, then with bearer auth, the rate limiter and a durable execution
// log (one fsync per group of calls); sequential medians, then throughput with concurrent clients.
//   node bench/src/gateway-ops-overhead.ts [calls=200] [clients=50]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { pino } from 'pino';
import { ExecutionLogRepository, initRepo, openStateStore, readDesiredState } from '@mcpbox/core';
import { createGateway, ExecutionLogWriter, type Gateway } from '@mcpbox/gateway';
import type { LiveRegistry, LiveRevision } from '@mcpbox/reconciler';

const CALLS = Number(process.argv[2] ?? 200);
const CLIENTS = Number(process.argv[3] ?? 50);
const TOKEN = 'bench-token-0123456789abcdef';
const TEMPLATE = new URL('../../tools-repo-template/', import.meta.url).pathname;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

async function connect(url: string, headers: Record<string, string>): Promise<Client> {
  const client = new Client({ name: 'bench', version: '1' }, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
  return client;
}

async function measure(label: string, gateway: Gateway, headers: Record<string, string>): Promise<void> {
  const url = await gateway.listen();
  const call = (c: Client) => c.callTool({ name: 'mcpbox_get_server_modules', arguments: {} });
  const client = await connect(url, headers);
  for (let i = 0; i < 10; i++) await call(client);
  const samples: number[] = [];
  for (let i = 0; i < CALLS; i++) {
    const t0 = performance.now();
    await call(client);
    samples.push(performance.now() - t0);
  }
  await client.close();
  const clients = await Promise.all(Array.from({ length: CLIENTS }, () => connect(url, headers)));
  const t0 = performance.now();
  await Promise.all(clients.map(async (c) => { for (let i = 0; i < 20; i++) await call(c); }));
  const seconds = (performance.now() - t0) / 1000;
  await Promise.all(clients.map((c) => c.close()));
  console.log(`${label}: median ${median(samples).toFixed(2)} ms sequential (n=${CALLS}); ${((CLIENTS * 20) / seconds).toFixed(0)} calls/s with ${CLIENTS} clients`);
  await gateway.close();
}

const dir = mkdtempSync(join(tmpdir(), 'mcpbox-bench-ops-'));
try {
  const repo = join(dir, 'repo.git');
  await initRepo(repo, TEMPLATE, { name: 'bench', email: 'bench@mcpbox.invalid' });
  const state = await readDesiredState(repo);
  const revision: LiveRevision = { revision: state.revision, digest: 'bench', appliedAt: new Date().toISOString(), state, tools: new Map() };
  const registry: LiveRegistry = { current: () => revision, onChange: () => () => {} };
  const config = { host: '127.0.0.1', port: 0, repo, allowedHosts: ['127.0.0.1', 'localhost'], allowedOrigins: [], logLevel: 'silent' as const };
  console.log(`gateway-ops-overhead: mcpbox_get_server_modules over HTTP on 127.0.0.1`);
  await measure('bare (auth none, no log)', await createGateway({ config, registry, logger: pino({ level: 'silent' }) }), {});
  const store = openStateStore(dir);
  await measure(
    'bearer + rate limit + durable log',
    await createGateway({
      config,
      registry,
      logger: pino({ level: 'silent' }),
      auth: { mode: 'bearer', bearerTokens: [{ name: 'bench', token: TOKEN }], remoteToolEditing: false },
      limits: { rateLimitPerMinute: 1_000_000 },
      executionLogs: new ExecutionLogWriter(new ExecutionLogRepository(store)),
    }),
    { authorization: `Bearer ${TOKEN}` },
  );
  store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
