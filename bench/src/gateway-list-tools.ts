// Bench: `mcpbox_list_tools` over real HTTP on a gateway whose main holds 1,000 tools, plus the
// protocol-level tools/list of all of them. Median of N calls after warm-up (the first call reads
// main; later calls hit the per-sha cache, which is the steady state).
//   node bench/src/gateway-list-tools.ts [tools=1000] [calls=50]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { pino } from 'pino';
import { readDesiredState } from '@mcpbox/core';
import { createGateway } from '@mcpbox/gateway';
import type { LiveRegistry, LiveRevision } from '@mcpbox/reconciler';
import { buildSyntheticRepo } from './reconcile-synthetic-repo.ts';

const TOOLS = Number(process.argv[2] ?? 1000);
const CALLS = Number(process.argv[3] ?? 50);

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

async function timed(label: string, calls: number, fn: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < 3; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < calls; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  console.log(`${label}: median ${median(samples).toFixed(2)} ms, min ${Math.min(...samples).toFixed(2)} ms, max ${Math.max(...samples).toFixed(2)} ms (n=${calls})`);
}

const dir = mkdtempSync(join(tmpdir(), 'mcpbox-bench-gw-'));
try {
  const repo = join(dir, 'repo.git');
  buildSyntheticRepo(repo, TOOLS);
  const state = await readDesiredState(repo);
  // Every tool live, as the reconciler would serve them; the bench needs no sandbox.
  const revision: LiveRevision = {
    revision: state.revision,
    digest: 'bench',
    appliedAt: new Date().toISOString(),
    state,
    tools: new Map(
      Object.values(state.servers).flatMap((s) =>
        Object.values(s.tools).map((t) => [
          t.id,
          { id: t.id, server: s.name, name: t.name, description: `tool ${t.name}`, inputSchema: { type: 'object', properties: { text: { type: 'string' } } }, timeoutMs: 30_000, code: t.code, codeBlob: t.codeBlob },
        ]),
      ),
    ),
  };
  const registry: LiveRegistry = { current: () => revision, onChange: () => () => {} };
  const gateway = await createGateway({
    config: { host: '127.0.0.1', port: 0, repo, allowedHosts: ['127.0.0.1', 'localhost'], allowedOrigins: [], logLevel: 'silent' },
    registry,
    logger: pino({ level: 'silent' }),
  });
  const url = await gateway.listen();
  const client = new Client({ name: 'bench', version: '1' }, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  console.log(`gateway-list-tools: ${TOOLS} tools on main, ${CALLS} calls each, modern era over HTTP on 127.0.0.1`);
  const cold = performance.now();
  await client.callTool({ name: 'mcpbox_list_tools', arguments: {} });
  console.log(`first mcpbox_list_tools (reads main's desired state): ${(performance.now() - cold).toFixed(1)} ms`);
  await timed('mcpbox_list_tools (limit 100)', CALLS, () => client.callTool({ name: 'mcpbox_list_tools', arguments: {} }));
  await timed('mcpbox_list_tools (limit 500)', CALLS, () => client.callTool({ name: 'mcpbox_list_tools', arguments: { limit: 500 } }));
  await timed('mcpbox_list_tools server_id=s3', CALLS, () => client.callTool({ name: 'mcpbox_list_tools', arguments: { server_id: 's3' } }));
  await timed(`tools/list (${TOOLS + 6} tools)`, CALLS, () => client.listTools());
  await client.close();
  await gateway.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
