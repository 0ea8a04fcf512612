// The README story end to end, through the real parts: `mcpbox up` as a child process (reconciler,
// sandbox, HTTP gateway), the official SDK client over HTTP creating a server and a tool, testing
// it and requesting publication; the admin reviewing with `mcpbox pr list/show` and merging with
// `mcpbox pr merge` (real CLI child processes); the tool going live and being called; then
// `mcpbox revert` taking it away again.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { exited, freePort, runCli, startCli } from '../support/cli-process.ts';
import { call } from './change-fixture.ts';

const data = mkdtempSync(join(tmpdir(), 'mcpbox-story-'));
let env: Record<string, string>;
let up: { child: ChildProcess; stderr: () => string };
let client: Client;

const CODE = `async def main(service: str = "claude") -> dict:
    """Reports whether a service is up."""
    return {"service": service, "up": True}
`;

async function names(): Promise<string[]> {
  return (await client.listTools()).tools.map((t) => t.name);
}

async function until(what: string, check: () => Promise<boolean>, ms = 90_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; gateway said: ${up.stderr().slice(-1500)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

beforeAll(async () => {
  const port = await freePort();
  env = { MCPBOX_DATA_DIR: data, MCPBOX_PORT: String(port), LOG_LEVEL: 'warn', MCPBOX_ADMIN_NAME: 'Admin Person', MCPBOX_ADMIN_EMAIL: 'admin@example.invalid', NO_COLOR: '1' };
  up = await startCli(['up'], env, /is serving MCP at/);
  client = new Client({ name: 'story-client', version: '0.9.0' }, { versionNegotiation: { mode: 'auto' } });
  await client.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`)));
  await until('the template tool to go live', async () => (await names()).includes('examples__text_stats'));
}, 180_000);

afterAll(async () => {
  await client?.close().catch(() => undefined);
  if (up?.child.exitCode === null) {
    up.child.kill('SIGTERM');
    await exited(up.child).catch(() => up.child.kill('SIGKILL'));
  }
  rmSync(data, { recursive: true, force: true });
});

describe('the README story', () => {
  it('create → test → request publish → mcpbox pr merge → live and callable → mcpbox revert → gone', async () => {
    expect((await call(client, 'mcpbox_create_server', { name: 'uptime', description: 'Checks whether services are up' })).isError).toBe(false);
    expect((await call(client, 'mcpbox_create_tool', { server_id: 'uptime', name: 'claude_status', python_code: CODE })).isError).toBe(false);
    const test = await call(client, 'mcpbox_test_code', { tool_id: 'uptime__claude_status', arguments: { service: 'api' } });
    expect(test.data).toMatchObject({ success: true, result: { service: 'api', up: true }, recorded: true });
    const publish = await call(client, 'mcpbox_request_publish', { tool_id: 'uptime__claude_status', notes: 'First version.' });
    expect(publish.data).toMatchObject({ outcome: 'created', pull_request: 1 });

    const list = await runCli(['pr', 'list', '--json'], env);
    expect(list.code, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual([{ number: 1, title: 'server(uptime): create with add claude_status', kind: 'tools', branch: 'mcpbox/draft/uptime', state: 'open', url: 'mcpbox://pulls/1' }]);

    const show = await runCli(['pr', 'show', '1'], env);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toContain('#1 server(uptime): create with add claude_status');
    expect(show.stdout).toMatch(/\*\*Last test:\*\* passed/);
    // Computed at the current head, not copied from the body.
    expect(show.stdout).toMatch(/Tools and their last sandbox test:\n  - uptime__claude_status \(added\): passed at \S+ — arguments \{"service":"api"\} \| returned \{"service":"api","up":true\}/);
    expect(show.stdout).toMatch(/"service": \{\s*"type": "string"/);
    expect(show.stdout).toContain('+++ b/servers/uptime/tools/claude_status.py');
    expect(show.stdout).not.toMatch(/\u001b\[/); // no colour when not a terminal

    const merge = await runCli(['pr', 'merge', '1'], env);
    expect(merge.code, merge.stderr).toBe(0);
    expect(merge.stdout).toMatch(/^merged #1 /);

    await until('uptime__claude_status to go live', async () => (await names()).includes('uptime__claude_status'));
    const result = await client.callTool({ name: 'uptime__claude_status', arguments: { service: 'claude' } });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual({ service: 'claude', up: true });
    const live = await call(client, 'mcpbox_get_tool_status', { tool_id: 'uptime__claude_status' });
    expect(live.data).toMatchObject({ status: 'live', pull_request: { number: 1, state: 'merged' } });

    const revert = await runCli(['revert', '1'], env);
    expect(revert.code, revert.stderr).toBe(0);
    expect(revert.stdout).toMatch(/^reverted [0-9a-f]{12} on main: [0-9a-f]{40}/);
    await until('uptime__claude_status to be gone', async () => !(await names()).includes('uptime__claude_status'));
    const gone = await call(client, 'mcpbox_get_tool_status', { tool_id: 'uptime__claude_status' });
    expect(gone.isError).toBe(true);
  }, 240_000);

  it('closing with a reason is what the client sees as the rejection', async () => {
    const asked = await call(client, 'mcpbox_request_module', { module_name: 'yaml', justification: 'parse YAML status feeds' });
    const number = asked.data.pull_request as number;
    const close = await runCli(['pr', 'close', String(number), '--reason', 'Use json instead.'], env);
    expect(close.code, close.stderr).toBe(0);
    const closed = await runCli(['pr', 'list', '--state', 'closed', '--json'], env);
    expect(JSON.parse(closed.stdout)).toEqual([expect.objectContaining({ number, kind: 'module', state: 'closed' })]);
    const shown = await runCli(['pr', 'show', `#${number}`], env);
    expect(shown.stdout).toMatch(/rejected: Use json instead\./);
    expect(shown.stdout).toMatch(/Asks for \(at head [0-9a-f]{12}\):\n  - module yaml — parse YAML status feeds/);
  }, 60_000);

  it('admin verbs fail in one line with the right exit code', async () => {
    const missing = await runCli(['pr', 'merge', '99'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toMatch(/^mcpbox: .*99/);
    const bad = await runCli(['revert', 'HEAD~1'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/expected a commit id .* or a pull request number/);
    const notMerged = await runCli(['revert', '2'], env);
    expect(notMerged.code).toBe(1);
    expect(notMerged.stderr).toMatch(/was not merged/);
    const noReason = await runCli(['pr', 'close', '2'], env);
    expect(noReason.code).toBe(2);
  }, 60_000);
});
