// The change workflow on a remote forge, end to end through real parts: `mcpbox up` as a child
// process with MCPBOX_FORGE=github and =gitea against the fake forge (real git over HTTP, API checked
// against the vendors' descriptions), the official SDK client creating and publishing a tool, the
// admin merging on the forge, the signed webhook poking the reconciler, the tool going live, a revert
// pull request taking it away, and the forge going down and coming back.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { createGiteaForge, createGitHubForge, initRepo, RepoMirror, type BranchForge } from '@mcpbox/core';
import { startFakeForge, type FakeForge } from '../../../core/test/support/fake-forge/fake-forge.ts';
import { TEMPLATE_DIR } from '../../src/app/template-dir.ts';
import { exited, freePort, runCli, startCli } from '../support/cli-process.ts';
import { call } from '../changes/change-fixture.ts';

const BOT_TOKEN = 'story-bot-token-5c1d';
const ADMIN_TOKEN = 'story-admin-token-9e2f';
const SECRET = 'story-webhook-secret-0123456789';
const CODE = `async def main(service: str = "claude") -> dict:
    """Reports whether a service is up."""
    return {"service": service, "up": True}
`;

describe.each(['github', 'gitea'] as const)('the change workflow with MCPBOX_FORGE=%s', (kind) => {
  const dir = mkdtempSync(join(tmpdir(), `mcpbox-forge-story-${kind}-`));
  let forge: FakeForge;
  let env: Record<string, string>;
  let up: { child: ChildProcess; stderr: () => string };
  let client: Client;
  let admin: BranchForge & { mergePullRequest(input: { number: number }): Promise<unknown> };

  const names = async () => (await client.listTools()).tools.map((t) => t.name);
  async function until(what: string, check: () => Promise<boolean>, ms = 90_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; gateway said: ${up.stderr().slice(-1500)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  async function status(): Promise<{ conditions: Array<{ type: string; status: string; reason: string; message?: string }>; lastAppliedRevision: string | null }> {
    const res = await runCli(['status', '--json'], env);
    expect(res.code, res.stderr).toBe(0);
    return JSON.parse(res.stdout);
  }

  beforeAll(async () => {
    const gitDir = join(dir, 'forge', 'tools.git');
    await initRepo(gitDir, TEMPLATE_DIR, { name: 'Admin', email: 'admin@example.invalid' });
    forge = await startFakeForge({ gitDir, botToken: BOT_TOKEN, adminToken: ADMIN_TOKEN });
    const port = await freePort();
    env = {
      MCPBOX_DATA_DIR: join(dir, 'data'),
      MCPBOX_PORT: String(port),
      MCPBOX_FORGE: kind,
      MCPBOX_REPO: forge.repoUrl,
      MCPBOX_FORGE_TOKEN: BOT_TOKEN,
      MCPBOX_WEBHOOK_SECRET: SECRET,
      LOG_LEVEL: 'warn',
      NO_COLOR: '1',
    };
    forge.webhooks.push({ url: `http://127.0.0.1:${port}/webhooks/${kind}`, secret: SECRET, dialect: kind });
    up = await startCli(['up'], env, /is serving MCP at/);
    client = new Client({ name: 'forge-story', version: '1.0.0' }, { versionNegotiation: { mode: 'auto' } });
    await client.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`)));
    const adminMirror = new RepoMirror({ gitDir: join(dir, 'admin-mirror.git'), remoteUrl: forge.repoUrl, token: ADMIN_TOKEN });
    const options = { apiUrl: kind === 'github' ? forge.githubApiUrl : forge.giteaApiUrl, owner: 'acme', repo: 'tools', token: ADMIN_TOKEN, mirror: adminMirror };
    admin = kind === 'github' ? createGitHubForge(options) : createGiteaForge(options);
    await until('the template tool to go live from the forge', async () => (await names()).includes('examples__text_stats'));
  }, 180_000);

  afterAll(async () => {
    await client?.close().catch(() => undefined);
    if (up?.child.exitCode === null) {
      up.child.kill('SIGTERM');
      await exited(up.child).catch(() => up.child.kill('SIGKILL'));
    }
    await forge?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('create → test → pull request on the forge → admin merge → webhook → live → revert pull request → gone', async () => {
    expect((await call(client, 'mcpbox_create_server', { name: 'uptime', description: 'Checks whether services are up' })).isError).toBe(false);
    const created = await call(client, 'mcpbox_create_tool', { server_id: 'uptime', name: 'claude_status', python_code: CODE });
    expect(created.isError, created.text).toBe(false);
    const test = await call(client, 'mcpbox_test_code', { tool_id: 'uptime__claude_status', arguments: { service: 'api' } });
    expect(test.data).toMatchObject({ success: true, result: { service: 'api', up: true } });
    const publish = await call(client, 'mcpbox_request_publish', { tool_id: 'uptime__claude_status', notes: 'First version.' });
    expect(publish.isError, publish.text).toBe(false);
    const number = publish.data.pull_request as number;
    expect(forge.state.pull(number)).toMatchObject({ state: 'open', head: 'mcpbox/draft/uptime', user: 'mcpbox-bot' });
    // A test run while the pull request is open is reported on it as a comment too.
    const retest = await call(client, 'mcpbox_test_code', { tool_id: 'uptime__claude_status', arguments: { service: 'review' } });
    expect(retest.data).toMatchObject({ success: true });
    expect(forge.state.comments.filter((c) => c.issue === number).map((c) => c.body).join('\n')).toMatch(/Sandbox test of `claude_status` at [0-9a-f]{12}: \*\*passed\*\*/);

    // The bot's token cannot merge; the admin merges on the forge and the webhook pokes the gateway.
    await expect(admin.mergePullRequest({ number })).resolves.toMatchObject({ state: 'merged' });
    await until('the merged tool to go live', async () => (await names()).includes('uptime__claude_status'));
    const live = await call(client, 'uptime__claude_status', { service: 'forge' });
    expect(live.data).toEqual({ service: 'forge', up: true });
    expect(forge.deliveries.some((d) => d.status === 202)).toBe(true);
    const merged = forge.state.pull(number)!.mergeCommit!;
    await until('the live mark on the applied revision', async () => forge.state.statuses.some((s) => s.sha === merged && s.context === 'mcpbox/live' && s.state === 'success'));

    // Roll back as a revert pull request, merged by the admin like any other change.
    const revert = await admin.proposeRevert({ commitOrPr: `#${number}` });
    const revertPr = await admin.openPullRequest({ branch: revert.branch, title: 'Revert uptime', body: 'rollback', kind: 'rollback' });
    await admin.mergePullRequest({ number: revertPr.number });
    await until('the reverted tool to disappear', async () => !(await names()).includes('uptime__claude_status'));
    expect(forge.contractFailures).toEqual([]);

    // The local admin verbs refuse to merge into the mirror: merging happens on the forge.
    const pr = await runCli(['pr', 'merge', '1'], env);
    expect(pr.code).toBe(1);
    expect(pr.stderr).toMatch(/review, merge and revert pull requests there/);
  }, 240_000);

  it('while the forge is down: serves the last revision, write tools say "forge unreachable", status shows the fetch failure; then recovers', async () => {
    await forge.stop();
    try {
      expect(await names()).toContain('examples__text_stats');
      const write = await call(client, 'mcpbox_create_server', { name: 'offline', description: 'Made while the forge is down' });
      expect(write.isError).toBe(true);
      expect(write.text).toMatch(/forge unreachable: /);
      expect(write.text).not.toContain(BOT_TOKEN);
      const reconcile = await runCli(['reconcile', '--timeout', '60'], env, 90_000);
      expect(reconcile.stderr + reconcile.stdout).toMatch(/forge unreachable/);
      const failed = await status();
      expect(failed.conditions.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'FetchFailed' });
      expect(JSON.stringify(failed)).toMatch(/forge unreachable: git fetch from http:\/\/127\.0\.0\.1:\d+\/acme\/tools\.git failed/);
      expect(JSON.stringify(failed)).not.toContain(BOT_TOKEN);
      expect(await names()).toContain('examples__text_stats');
    } finally {
      await forge.start();
    }
    const again = await runCli(['reconcile', '--timeout', '60'], env, 90_000);
    expect(again.code, again.stderr).toBe(0);
    expect((await status()).conditions.find((c) => c.type === 'Ready')).toMatchObject({ status: 'True' });
    const write = await call(client, 'mcpbox_create_server', { name: 'online', description: 'Made after the forge came back' });
    expect(write.isError, write.text).toBe(false);
  }, 240_000);
});
