// `mcpbox stdio` and `mcpbox up` on one data dir, all real processes: beside a running gateway the
// stdio command bridges to it as the local operator (no second reconciler, no sandbox children of
// its own, the same tools, list_changed after a merge, calls logged as the local operator); with a
// stale gateway.json (its process died) it serves embedded; a second `up` refuses.
import { existsSync, readFileSync, statSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { lockDataDir } from '../src/app/data-dir-lock.ts';
import { call } from './changes/change-fixture.ts';
import { descendants, isAlive, newDataDir, startGatewayProcess, type GatewayProcess } from './ops/gateway-process.ts';
import { BIN, childEnv, exited, freePort, runCli } from './support/cli-process.ts';

const CODE = `async def main(word: str = "mcpbox") -> dict:
    """Echoes a word."""
    return {"word": word}
`;

async function until(what: string, check: () => boolean | Promise<boolean>, ms = 90_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function stdioClient(dataDir: string, mode: 'legacy' | 'auto', name: string): { client: Client; transport: StdioClientTransport; stderr: () => string } {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, 'stdio'],
    env: childEnv({ MCPBOX_DATA_DIR: dataDir, LOG_LEVEL: 'info', NO_COLOR: '1' }),
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const client = new Client({ name, version: '1.0.0' }, { versionNegotiation: { mode } });
  return { client, transport, stderr: () => stderr };
}

/** Pids that wrote the reconciler's status.json while watching (its writer stages `status.json.<pid>.tmp`). */
function watchStatusWriters(dataDir: string): { writers: Set<number>; watcher: FSWatcher } {
  const writers = new Set<number>();
  const watcher = watch(dataDir, (_event, file) => {
    const m = /^status\.json\.(\d+)\.tmp$/.exec(String(file ?? ''));
    if (m) writers.add(Number(m[1]));
  });
  return { writers, watcher };
}

const names = async (client: Client) => (await client.listTools()).tools.map((t) => t.name).sort();

describe('mcpbox stdio beside a running mcpbox up on the same data dir', () => {
  let dataDir: string;
  let up: GatewayProcess;
  let http: Client;

  beforeAll(async () => {
    dataDir = await newDataDir();
    up = await startGatewayProcess(dataDir);
    http = new Client({ name: 'http-view', version: '1.0.0' }, { versionNegotiation: { mode: 'auto' } });
    await http.connect(new StreamableHTTPClientTransport(new URL(up.url)));
    await until('the template tool to go live', async () => (await names(http)).includes('examples__text_stats'));
  }, 180_000);

  afterAll(async () => {
    await http?.close().catch(() => undefined);
    if (up?.child.exitCode === null) {
      up.child.kill('SIGTERM');
      await exited(up.child).catch(() => up.child.kill('SIGKILL'));
    }
  });

  it('records itself in gateway.json (0600) with its pid and URL', () => {
    const record = JSON.parse(readFileSync(join(dataDir, 'gateway.json'), 'utf8')) as Record<string, unknown>;
    expect(record).toMatchObject({ pid: up.pid, url: up.url });
    expect(typeof record.localOperatorToken).toBe('string');
    expect(statSync(join(dataDir, 'gateway.json')).mode & 0o777).toBe(0o600);
  });

  it('a second mcpbox up on the data dir refuses, naming the running one', async () => {
    const second = await runCli(['up'], { MCPBOX_DATA_DIR: dataDir, MCPBOX_PORT: String(await freePort()), LOG_LEVEL: 'warn' });
    expect(second.code).toBe(1);
    expect(second.stderr).toBe(`mcpbox: another mcpbox gateway (pid ${up.pid}, ${up.url}) already serves the data dir ${dataDir}; stop it first, or give this one its own MCPBOX_DATA_DIR\n`);
    expect(isAlive(up.pid)).toBe(true);
  });

  it('bridges (legacy era): same tools, no reconciler or sandbox of its own, calls logged as the local operator, list_changed after a merge', async () => {
    const { writers, watcher } = watchStatusWriters(dataDir);
    const { client, transport, stderr } = stdioClient(dataDir, 'legacy', 'bridged-legacy');
    let changes = 0;
    client.setNotificationHandler('notifications/tools/list_changed', () => {
      changes++;
    });
    await client.connect(transport);
    try {
      const stdioPid = transport.pid!;
      expect(client.getNegotiatedProtocolVersion()).toBe('2025-11-25');
      expect(await names(client)).toEqual(await names(http));

      const live = await call(client, 'examples__text_stats', { text: 'one two three' });
      expect(live.isError, live.text).toBe(false);
      const logs = await runCli(['logs', '--json', '--tool', 'examples__text_stats', '--limit', '1'], { MCPBOX_DATA_DIR: dataDir });
      expect(logs.code, logs.stderr).toBe(0);
      expect(JSON.parse(logs.stdout.trim().split('\n').at(-1)!)).toMatchObject({ tool: 'examples__text_stats', caller: 'local-operator' });

      // Propose, publish and merge through the bridge: the running gateway's reconciler applies it
      // and its list_changed reaches this stdio client.
      expect((await call(client, 'mcpbox_create_server', { name: 'bridged', description: 'Made over the stdio bridge' })).isError).toBe(false);
      const created = await call(client, 'mcpbox_create_tool', { server_id: 'bridged', name: 'echo_word', python_code: CODE });
      expect(created.isError, created.text).toBe(false);
      const publish = await call(client, 'mcpbox_request_publish', { tool_id: 'bridged__echo_word', notes: 'via the bridge' });
      expect(publish.isError, publish.text).toBe(false);
      // The admin reviews (pr show records the head seen) and merges exactly that head.
      expect((await runCli(['pr', 'show', String(publish.data.pull_request)], { MCPBOX_DATA_DIR: dataDir })).code).toBe(0);
      const merge = await runCli(['pr', 'merge', String(publish.data.pull_request)], { MCPBOX_DATA_DIR: dataDir });
      expect(merge.code, merge.stderr).toBe(0);
      await until('list_changed on the bridged stdio connection', () => changes > 0);
      await until('the merged tool over stdio', async () => (await names(client)).includes('bridged__echo_word'));
      expect(await names(client)).toEqual(await names(http));
      expect((await call(client, 'bridged__echo_word', { word: 'relayed' })).data).toEqual({ word: 'relayed' });

      // One reconciler: status.json was written by the gateway only; the stdio process started no
      // sandbox (no children at all): the Python calls ran in the gateway's sandbox children.
      expect([...writers]).toEqual([up.pid]);
      expect(descendants(stdioPid)).toEqual([]);
      expect(descendants(up.pid).length).toBeGreaterThan(0);
      expect(stderr()).toMatch(/bridging stdio to the running gateway as the local operator/);
    } finally {
      watcher.close();
      await client.close();
    }
  }, 240_000);

  it('bridges (2026-07-28 era): same tools, a call works, subscriptions/listen events arrive', async () => {
    const { client, transport } = stdioClient(dataDir, 'auto', 'bridged-modern');
    let changes = 0;
    client.setNotificationHandler('notifications/tools/list_changed', () => {
      changes++;
    });
    await client.connect(transport);
    try {
      expect(client.getNegotiatedProtocolVersion()).toBe('2026-07-28');
      expect(await names(client)).toEqual(await names(http));
      expect((await call(client, 'examples__text_stats', { text: 'a b' })).isError).toBe(false);
      // A request nested too deep is refused by the bridge as by the gateway, and the connection goes on.
      let deep: unknown = 'x';
      for (let i = 0; i < 1_000; i++) deep = [deep];
      await expect(client.callTool({ name: 'mcpbox_get_server', arguments: { server_id: deep as string } })).rejects.toThrow(/nested deeper than 64 levels/);
      const subscription = await client.listen({ toolsListChanged: true });
      expect(subscription.honoredFilter.toolsListChanged).toBe(true);
      const created = await call(client, 'mcpbox_create_tool', { server_id: 'bridged', name: 'second_word', python_code: CODE });
      expect(created.isError, created.text).toBe(false);
      const publish = await call(client, 'mcpbox_request_publish', { tool_id: 'bridged__second_word', notes: 'modern era via the bridge' });
      expect(publish.isError, publish.text).toBe(false);
      // The admin reviews (pr show records the head seen) and merges exactly that head.
      expect((await runCli(['pr', 'show', String(publish.data.pull_request)], { MCPBOX_DATA_DIR: dataDir })).code).toBe(0);
      const merge = await runCli(['pr', 'merge', String(publish.data.pull_request)], { MCPBOX_DATA_DIR: dataDir });
      expect(merge.code, merge.stderr).toBe(0);
      await until('a subscriptions/listen event through the bridge', () => changes > 0);
      expect(await names(client)).toContain('bridged__second_word');
      await subscription.close();
      expect(descendants(transport.pid!)).toEqual([]);
    } finally {
      await client.close();
    }
  }, 240_000);

  it('a clean stop removes gateway.json and ends the bridged connections', async () => {
    const { client, transport, stderr } = stdioClient(dataDir, 'legacy', 'bridged-at-stop');
    let closed = false;
    client.onclose = () => {
      closed = true;
    };
    await client.connect(transport);
    expect(await names(client)).toContain('examples__text_stats');
    up.child.kill('SIGTERM');
    expect(await exited(up.child, 60_000)).toBe(0);
    expect(existsSync(join(dataDir, 'gateway.json'))).toBe(false);
    await until('the bridged stdio process to end', () => closed);
    expect(stderr()).toMatch(/the gateway this stdio connection was bridged to has stopped/);
  }, 90_000);
});

describe('mcpbox stdio with a stale gateway.json', () => {
  it('after the gateway was killed (-9), stdio serves embedded with its own sandbox; a new up replaces the record', async () => {
    const dataDir = await newDataDir();
    const dead = await startGatewayProcess(dataDir);
    dead.child.kill('SIGKILL');
    await exited(dead.child);
    expect(JSON.parse(readFileSync(join(dataDir, 'gateway.json'), 'utf8'))).toMatchObject({ pid: dead.pid });
    expect(isAlive(dead.pid)).toBe(false);

    const { client, transport, stderr } = stdioClient(dataDir, 'legacy', 'embedded');
    await client.connect(transport);
    try {
      await until('the template tool to go live in the embedded runtime', async () => (await names(client)).includes('examples__text_stats'));
      expect((await call(client, 'examples__text_stats', { text: 'embedded run' })).isError).toBe(false);
      // Its own reconciler and sandbox: a sandbox child runs under the stdio process.
      expect(descendants(transport.pid!).length).toBeGreaterThan(0);
      expect(stderr()).toMatch(new RegExp(`the gateway recorded in .*gateway\\.json \\(pid ${dead.pid}\\) is not running`));
      expect(stderr()).not.toMatch(/bridging stdio/);
    } finally {
      await client.close();
    }

    // The lock died with the killed process: a new up takes the data dir and rewrites the record.
    const next = await startGatewayProcess(dataDir);
    try {
      expect(JSON.parse(readFileSync(join(dataDir, 'gateway.json'), 'utf8'))).toMatchObject({ pid: next.pid, url: next.url });
    } finally {
      next.child.kill('SIGTERM');
      await exited(next.child, 60_000);
    }
  }, 300_000);

  it('waits while a gateway holds the data dir without a record yet (still starting), then serves embedded when it goes away', async () => {
    const dataDir = await newDataDir();
    const starting = lockDataDir(dataDir);
    const { client, transport, stderr } = stdioClient(dataDir, 'legacy', 'waiting');
    const connected = client.connect(transport);
    try {
      await until('stdio to wait for the starting gateway', () => /a gateway is starting on this data dir; waiting for it to bind/.test(stderr()));
      expect(existsSync(join(dataDir, 'state.db'))).toBe(false);
    } finally {
      starting.release();
    }
    await connected;
    try {
      await until('the template tool to go live in the embedded runtime', async () => (await names(client)).includes('examples__text_stats'));
      expect(stderr()).not.toMatch(/bridging stdio/);
    } finally {
      await client.close();
    }
  }, 180_000);
});

describe('mcpbox stdio beside a gateway with MCPBOX_AUTH=bearer', () => {
  it('bridges as the local operator, who needs no bearer token, while HTTP callers without one are refused', async () => {
    const dataDir = await newDataDir();
    const up = await startGatewayProcess(dataDir, { MCPBOX_AUTH: 'bearer', MCPBOX_BEARER_TOKENS: 'ci:ci-token-0123456789abcdef' });
    try {
      const anonymous = await fetch(up.url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: '{}' });
      expect(anonymous.status).toBe(401);
      const { client, transport } = stdioClient(dataDir, 'auto', 'bridged-bearer');
      await client.connect(transport);
      try {
        await until('the template tool to go live', async () => (await names(client)).includes('examples__text_stats'));
        expect((await call(client, 'examples__text_stats', { text: 'behind bearer auth' })).isError).toBe(false);
        expect(descendants(transport.pid!)).toEqual([]);
      } finally {
        await client.close();
      }
      const logs = await runCli(['logs', '--json', '--tool', 'examples__text_stats', '--limit', '1'], { MCPBOX_DATA_DIR: dataDir });
      expect(JSON.parse(logs.stdout.trim().split('\n').at(-1)!)).toMatchObject({ caller: 'local-operator' });
    } finally {
      up.child.kill('SIGTERM');
      await exited(up.child, 60_000);
    }
  }, 240_000);
});
