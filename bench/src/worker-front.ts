// The Worker front's cost: a warm tool call through the real Worker (workerd, via Miniflare, in
// front of a real `mcpbox up`) against the same call direct to the gateway, in the same run, and a
// full first connection through it (401 → discovery → registration → consent → upstream login →
// token → first tool call). Medians and p99; the ratio is the figure to watch, not the milliseconds.
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { connectThroughFront } from '../../worker/test/support/connect-through-front.ts';
import { startFront } from '../../worker/test/support/front-fixture.ts';
import { HeadlessOAuthClient } from '../../worker/test/support/oauth-client.ts';

const CALLS = Number(process.argv[2] ?? 200);
const FIRST_CONNECTIONS = Number(process.argv[3] ?? 5);

function quantile(samples: number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

const fx = await startFront();
try {
  const viaWorker = (await connectThroughFront(fx.mcpUrl, new HeadlessOAuthClient(), 'modern')).client;
  const direct = new Client({ name: 'bench-direct', version: '1' }, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
  await direct.connect(new StreamableHTTPClientTransport(new URL(fx.gatewayMcpUrl), { authProvider: { token: async () => fx.directToken } }));
  const call = (client: Client) => client.callTool({ name: 'mcpbox_get_server_modules', arguments: {} });
  for (let i = 0; i < 20; i++) {
    await call(viaWorker);
    await call(direct);
  }
  const workerMs: number[] = [];
  const directMs: number[] = [];
  // Interleaved, so load on the machine falls on both alike.
  for (let i = 0; i < CALLS; i++) {
    let t = performance.now();
    await call(viaWorker);
    workerMs.push(performance.now() - t);
    t = performance.now();
    await call(direct);
    directMs.push(performance.now() - t);
  }
  const first: number[] = [];
  for (let i = 0; i < FIRST_CONNECTIONS; i++) {
    const t = performance.now();
    const { client } = await connectThroughFront(fx.mcpUrl, new HeadlessOAuthClient(), 'modern');
    await call(client);
    first.push(performance.now() - t);
    await client.close();
  }
  await viaWorker.close();
  await direct.close();
  const row = (name: string, s: number[]) => `${name.padEnd(34)} median ${quantile(s, 0.5).toFixed(2).padStart(8)} ms   p99 ${quantile(s, 0.99).toFixed(2).padStart(8)} ms`;
  console.log(`warm tools/call (mcpbox_get_server_modules), ${CALLS} each, interleaved:`);
  console.log(row('direct to the gateway (bearer)', directMs));
  console.log(row('through the Worker (OAuth)', workerMs));
  console.log(`ratio Worker/direct                median ${(quantile(workerMs, 0.5) / quantile(directMs, 0.5)).toFixed(2)}x   p99 ${(quantile(workerMs, 0.99) / quantile(directMs, 0.99)).toFixed(2)}x`);
  console.log(row(`first connection → first call (${FIRST_CONNECTIONS}x)`, first));
} finally {
  await fx.close();
}
