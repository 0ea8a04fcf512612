// Merge-to-callable latency through the whole loop: a tool is proposed on a branch and a pull
// request with the local forge, the admin merges it, and the clock runs until an MCP client over
// HTTP (legacy session) gets a successful tools/call of the new tool. Median and p99 over N merges
// (BENCH_MERGES, default 40). Targets: p50 ≤ 300 ms, p99 too.
// Run: node bench/src/reconcile-merge-to-callable.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { createLocalAdminForge, initRepo, onMainMoved, openStateStore, toolId } from '@mcpbox/core';
import { createGateway } from '@mcpbox/gateway';
import { GitRevisionSource, Reconciler } from '@mcpbox/reconciler';
import { createSandbox } from '@mcpbox/sandbox';
import { pino } from 'pino';

const MERGES = Number(process.env.BENCH_MERGES ?? 40);
const TEMPLATE = new URL('../../tools-repo-template/', import.meta.url).pathname;
const identity = { name: 'Bench Admin', email: 'admin@bench.invalid' };
const root = mkdtempSync(join(tmpdir(), 'mcpbox-bench-merge-'));
const dataDir = join(root, 'data');
const repo = join(dataDir, 'repo.git');
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;

await initRepo(repo, TEMPLATE, identity);
const logger = pino({ level: 'silent' });
const store = openStateStore(dataDir);
const sandbox = createSandbox({ dataDir });
const reconciler = new Reconciler({
  dataDir,
  store,
  source: new GitRevisionSource(repo),
  sandbox,
  signals: [(notify) => onMainMoved(repo, () => notify('main moved (local forge)'))],
});
const gateway = await createGateway({
  config: { host: '127.0.0.1', port: 0, repo, allowedHosts: ['127.0.0.1', 'localhost'], allowedOrigins: ['127.0.0.1', 'localhost'], logLevel: 'silent' },
  registry: reconciler.registry,
  sandbox,
  logger,
});
const client = new Client({ name: 'bench', version: '1.0.0' });
try {
  await reconciler.start();
  await reconciler.idle();
  const url = await gateway.listen();
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  let changed: () => void = () => {};
  client.setNotificationHandler(ToolListChangedNotificationSchema, () => changed());
  const forge = createLocalAdminForge({ gitDir: repo, identity });

  // Warm the examples server's sandbox child once, as a running gateway would be.
  await client.callTool({ name: 'examples__text_stats', arguments: { text: 'warm up' } });

  const latencies: number[] = [];
  for (let i = 0; i < MERGES; i++) {
    const tool = `bench_${i}`;
    const branch = `mcpbox/${tool}`;
    await forge.createBranch({ branch });
    await forge.commitChanges({
      branch,
      message: `Add ${tool}`,
      changes: [{ path: `servers/examples/tools/${tool}.py`, content: `async def main(n: int) -> dict:\n    """Bench tool ${i}."""\n    return {"n": n + ${i}}\n` }],
    });
    const pr = await forge.openPullRequest({ branch, title: `Add ${tool}`, body: 'bench' });
    const heard = new Promise<void>((resolve) => (changed = resolve));
    const t0 = performance.now();
    await forge.mergePullRequest({ number: pr.number });
    await heard;
    const result = await client.callTool({ name: toolId('examples', tool), arguments: { n: 1 } });
    const elapsed = performance.now() - t0;
    if (result.isError || (result.structuredContent as { n?: number } | undefined)?.n !== 1 + i) {
      throw new Error(`call of ${tool} failed: ${JSON.stringify(result)}`);
    }
    latencies.push(elapsed);
  }
  const p50 = quantile(latencies, 0.5);
  const p99 = quantile(latencies, 0.99);
  console.log(`merge → callable over MCP/HTTP, ${MERGES} merges: p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, min ${Math.min(...latencies).toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms — targets p50 ≤ 300 ms, p99 ≤ 300 ms`);
} finally {
  await client.close().catch(() => {});
  await gateway.close();
  await reconciler.stop();
  await sandbox.close();
  store.close();
  rmSync(root, { recursive: true, force: true });
}
