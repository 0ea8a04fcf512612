// SIGTERM under load: `mcpbox up` stops taking new work, lets the calls in flight finish (each one
// logged before its response), stops the sandbox children and exits 0 with no process left behind.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { ExecutionLogRepository, openStateStore } from '@mcpbox/core';
import { exited } from '../support/cli-process.ts';
import { descendants, isAlive, newDataDir, startGatewayProcess, type GatewayProcess } from './gateway-process.ts';

const TOOL = 'examples__text_stats';
const CLIENTS = 20;

let dataDir: string;
let gw: GatewayProcess;

async function connect(): Promise<Client> {
  const client = new Client({ name: 'ops-shutdown', version: '1.0.0' }, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
  await client.connect(new StreamableHTTPClientTransport(new URL(gw.url)));
  return client;
}

/** The error with its causes, which carry the HTTP status or socket error. */
function explain(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err; e !== undefined && e !== null && parts.length < 5; e = (e as { cause?: unknown }).cause) {
    const { message, code, status } = e as { message?: string; code?: unknown; status?: unknown };
    parts.push([message, code, status].filter((p) => p !== undefined && p !== '').join(' '));
  }
  return parts.join(' <- ');
}

beforeAll(async () => {
  dataDir = await newDataDir();
  gw = await startGatewayProcess(dataDir, { MCPBOX_SHUTDOWN_GRACE_MS: '30000', MCPBOX_RATE_LIMIT_PER_MINUTE: '0' });
  const client = await connect();
  try {
    const until = Date.now() + 120_000;
    while (!(await client.listTools()).tools.some((t) => t.name === TOOL)) {
      if (Date.now() > until) throw new Error(`${TOOL} never went live: ${gw.stderr()}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const first = await client.callTool({ name: TOOL, arguments: { text: 'warm up the sandbox child' } });
    expect(first.isError).toBeFalsy();
  } finally {
    await client.close();
  }
}, 180_000);

afterAll(() => {
  if (gw.child.exitCode === null && gw.child.signalCode === null) gw.child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

describe('metrics of the running gateway', () => {
  it('report sandbox instances, reconciles and merge-to-apply latency next to the call counters', async () => {
    const text = await (await fetch(`${gw.origin}/metrics`)).text();
    expect(Number(/^mcpbox_sandbox_instances (\d+)$/m.exec(text)?.[1])).toBeGreaterThanOrEqual(1);
    expect(text).toMatch(/^mcpbox_reconciler_ready 1$/m);
    expect(text).toMatch(/^mcpbox_reconciles_total\{result="applied"\} [1-9]/m);
    expect(text).toMatch(/^mcpbox_reconcile_duration_seconds_count\{result="applied"\} [1-9]/m);
    expect(text).toMatch(/^mcpbox_merge_to_apply_seconds_count [1-9]/m);
    expect(text).toMatch(/^mcpbox_tool_calls_total\{tool="examples__text_stats",outcome="ok"\} [1-9]/m);
    expect(text).toMatch(/^mcpbox_sandbox_child_kills_total \d+$/m);
  });
});

describe('SIGTERM under load', () => {
  it('drains in-flight calls, logs every returned one, exits 0 and leaves no child behind', async () => {
    const tree = descendants(gw.pid);
    expect(tree.length).toBeGreaterThan(0); // the sandbox children of the warm-up call

    let signalledAt = Infinity;
    const returned: Array<{ probe: string; at: number }> = [];
    const errors: Array<{ message: string; at: number }> = [];
    const worker = async (i: number) => {
      const client = await connect();
      for (let n = 0; ; n++) {
        const probe = `probe ${i} ${n}`;
        try {
          const result = await client.callTool({ name: TOOL, arguments: { text: `${probe} lorem ipsum dolor sit amet` } });
          if (result.isError) throw new Error(JSON.stringify(result.content));
          returned.push({ probe, at: Date.now() });
        } catch (err) {
          errors.push({ message: explain(err), at: Date.now() });
          break;
        }
      }
      await client.close().catch(() => undefined);
    };
    const load = Promise.all(Array.from({ length: CLIENTS }, (_, i) => worker(i)));
    await new Promise((r) => setTimeout(r, 2000));
    signalledAt = Date.now();
    gw.child.kill('SIGTERM');
    const code = await exited(gw.child, 60_000);
    await load;

    console.log(`shutdown: ${returned.length} calls returned, ${returned.filter((r) => r.at >= signalledAt).length} after SIGTERM; errors: ${[...new Set(errors.map((e) => e.message))].join(" | ")}`);
    expect(code).toBe(0);
    expect(returned.length).toBeGreaterThan(CLIENTS);
    // Calls already running when the signal came were finished, not cut off.
    expect(returned.some((r) => r.at >= signalledAt)).toBe(true);
    // Every client stopped only after the signal, and only because new work was refused.
    expect(errors).toHaveLength(CLIENTS);
    for (const e of errors) {
      expect(e.at).toBeGreaterThanOrEqual(signalledAt);
      // 503 from the drain, or a connection refused, reset or closed before its request was accepted.
      expect(e.message).toMatch(/The gateway is shutting down.* 503$|ECONNREFUSED|ECONNRESET|UND_ERR_SOCKET/);
    }
    const store = openStateStore(dataDir);
    try {
      const logged = new Set(
        new ExecutionLogRepository(store).query({ tool: TOOL, limit: 100_000 }).map((e) => (JSON.parse(e.argsJson) as { text: string }).text.split(' lorem')[0]),
      );
      expect(returned.filter((r) => !logged.has(r.probe))).toEqual([]);
    } finally {
      store.close();
    }
    // No orphan: every process the gateway had started is gone.
    await new Promise((r) => setTimeout(r, 200));
    expect(tree.filter(isAlive)).toEqual([]);
    expect(gw.stderr()).not.toMatch(/unexpected failure|Error:/);
  }, 120_000);
});
