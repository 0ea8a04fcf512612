// Load over real HTTP on loopback against `mcpbox up` in a child process: 200 concurrent MCP clients
// × 50 calls each. Callers under the rate limit see no error at all; callers sharing one token past
// it get 429 with Retry-After; every call that returned a result is in the execution log, also when
// the gateway is killed with SIGKILL in the middle of a burst.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { ExecutionLogRepository, openStateStore } from '@mcpbox/core';
import { exited } from '../support/cli-process.ts';
import { descendants, isAlive, newDataDir, startGatewayProcess, type GatewayProcess } from './gateway-process.ts';

const CLIENTS = 200;
const CALLS = 50;
const GREEDY_CLIENTS = 20; // share one token, so together they exceed the per-caller limit
const RATE_LIMIT = 120; // per caller per minute; an honest client makes 51 requests
const TOOL = 'mcpbox_get_tool_logs';

const tokenOf = (i: number) => (i >= CLIENTS - GREEDY_CLIENTS ? 'greedy-token-000000000000' : `client-token-${String(i).padStart(4, '0')}-abcdef`);
const nameOf = (i: number) => (i >= CLIENTS - GREEDY_CLIENTS ? 'greedy' : `client${i}`);

let dataDir: string;
let gw: GatewayProcess;

beforeAll(async () => {
  dataDir = await newDataDir();
  const tokens = [...new Set(Array.from({ length: CLIENTS }, (_, i) => `${nameOf(i)}:${tokenOf(i)}`))].join('\n');
  writeFileSync(join(dataDir, 'tokens.txt'), `# load test callers\n${tokens}\n`, { mode: 0o600 });
  gw = await startGatewayProcess(dataDir, {
    MCPBOX_AUTH: 'bearer',
    MCPBOX_BEARER_TOKENS_FILE: join(dataDir, 'tokens.txt'),
    MCPBOX_RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT),
  });
}, 180_000);

afterAll(async () => {
  if (gw.child.exitCode === null && gw.child.signalCode === null) {
    gw.child.kill('SIGKILL');
    await exited(gw.child).catch(() => null);
  }
  rmSync(dataDir, { recursive: true, force: true });
});

interface ClientOutcome {
  returned: string[]; // probe ids of calls whose result came back
  rateLimited: number;
  otherErrors: string[];
}

/** One client: connect, then `calls` sequential calls, each with a unique probe id in its arguments. */
async function runClient(i: number, calls: number, stopOnError = false, onReturned: () => void = () => undefined): Promise<ClientOutcome> {
  const outcome: ClientOutcome = { returned: [], rateLimited: 0, otherErrors: [] };
  const client = new Client({ name: `load-${i}`, version: '1.0.0' }, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
  const note = (err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    if (/429|rate limit/i.test(message)) outcome.rateLimited++;
    else outcome.otherErrors.push(message);
  };
  try {
    await client.connect(new StreamableHTTPClientTransport(new URL(gw.url), { requestInit: { headers: { authorization: `Bearer ${tokenOf(i)}` } } }));
  } catch (err) {
    note(err);
    return outcome;
  }
  for (let n = 0; n < calls; n++) {
    const probe = `probe_${i}_${n}`;
    try {
      const result = await client.callTool({ name: TOOL, arguments: { tool_id: probe, limit: 1 } });
      if (result.isError) outcome.otherErrors.push(JSON.stringify(result.content));
      else {
        outcome.returned.push(probe);
        onReturned();
      }
    } catch (err) {
      note(err);
      if (stopOnError && outcome.otherErrors.length > 0) break;
    }
  }
  await client.close().catch(() => undefined);
  return outcome;
}

function loggedProbes(): Set<string> {
  const store = openStateStore(dataDir);
  try {
    const entries = new ExecutionLogRepository(store).query({ tool: TOOL, limit: 10_000 });
    return new Set(entries.map((e) => (JSON.parse(e.argsJson) as { tool_id: string }).tool_id));
  } finally {
    store.close();
  }
}

describe('200 concurrent clients × 50 calls', () => {
  it('completes with no unexplained error, limits the greedy caller with 429, and logs every returned call', async () => {
    const started = Date.now();
    const outcomes = await Promise.all(Array.from({ length: CLIENTS }, (_, i) => runClient(i, CALLS)));
    const seconds = (Date.now() - started) / 1000;
    const honest = outcomes.slice(0, CLIENTS - GREEDY_CLIENTS);
    const greedy = outcomes.slice(CLIENTS - GREEDY_CLIENTS);
    expect(outcomes.flatMap((o) => o.otherErrors)).toEqual([]);
    expect(honest.every((o) => o.returned.length === CALLS && o.rateLimited === 0)).toBe(true);
    const greedyLimited = greedy.reduce((n, o) => n + o.rateLimited, 0);
    const greedyReturned = greedy.reduce((n, o) => n + o.returned.length, 0);
    expect(greedyLimited).toBeGreaterThan(0);
    // One window allows a minute's allowance; a new window opens each minute the test runs.
    expect(greedyReturned).toBeLessThanOrEqual(RATE_LIMIT + Math.ceil((seconds * RATE_LIMIT) / 60));

    const logged = loggedProbes();
    const returned = outcomes.flatMap((o) => o.returned);
    expect(returned.filter((p) => !logged.has(p))).toEqual([]);
    expect(logged.size).toBe(returned.length);
    console.log(`load: ${returned.length} calls returned, ${greedyLimited} rate-limited, ${seconds.toFixed(1)} s, ${(returned.length / seconds).toFixed(0)} calls/s`);

    // The greedy caller's window may have reopened while the load ran; using it up again must end in a 429.
    let limited: Response | undefined;
    let body = '';
    for (let n = 0; n < RATE_LIMIT + 10 && limited?.status !== 429; n++) {
      limited = await fetch(gw.url, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokenOf(CLIENTS - 1)}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: '{"jsonrpc":"2.0","id":1,"method":"ping"}',
      });
      body = await limited.text();
    }
    expect(limited?.status).toBe(429);
    expect(body).toMatch(/Rate limit: at most 120 requests per minute per caller/);
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const metrics = await (await fetch(`${gw.origin}/metrics`, { headers: { authorization: `Bearer ${tokenOf(0)}` } })).text();
    expect(metrics).toMatch(/mcpbox_rate_limited_total\{caller="greedy"\} \d+/);
    expect(metrics).toMatch(new RegExp(`mcpbox_tool_calls_total\\{tool="${TOOL}",outcome="ok"\\} ${returned.length}`));
  }, 120_000);

  it('loses no log entry of a returned call when the gateway is killed with SIGKILL mid-burst', async () => {
    const honest = Array.from({ length: 50 }, (_, i) => i + 100); // fresh-enough buckets: ids not used above
    // Killed once a few hundred calls came back, so many are still in flight whatever the machine's speed.
    let returnedSoFar = 0;
    let kill: () => void = () => undefined;
    const killed = new Promise<void>((resolve) => (kill = resolve));
    const burst = Promise.all(honest.map((i) => runClient(i, 40, true, () => ++returnedSoFar === 300 && kill())));
    await killed;
    const tree = descendants(gw.pid);
    gw.child.kill('SIGKILL');
    await exited(gw.child);
    const outcomes = await burst;
    const returned = outcomes.flatMap((o) => o.returned).filter((p) => p.startsWith('probe_'));
    const logged = loggedProbes();
    // Some calls returned before the kill, some were cut off; every one that returned was logged.
    expect(returned.length).toBeGreaterThan(0);
    expect(returned.length).toBeLessThan(honest.length * 40);
    expect(returned.filter((p) => !logged.has(p))).toEqual([]);
    // The sandbox children notice their parent is gone and end too: no orphans even after SIGKILL.
    expect(tree.length).toBeGreaterThan(0);
    const deadline = Date.now() + 15_000;
    while (tree.some(isAlive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(tree.filter(isAlive)).toEqual([]);
  }, 120_000);
});
