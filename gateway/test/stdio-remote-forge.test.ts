// `mcpbox stdio` with MCPBOX_FORGE=github|gitea against the fake forge (real git over HTTP, API
// checked against the vendors' descriptions), driven by the official SDK stdio client: a proposed
// change reaches the forge as a branch and a pull request, exactly as over HTTP, and nothing of it
// is written into the local mirror (which every fetch prunes to what the forge has).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { initRepo } from '@mcpbox/core';
import { startFakeForge, type FakeForge } from '../../core/test/support/fake-forge/fake-forge.ts';
import { TEMPLATE_DIR } from '../src/app/template-dir.ts';
import { call } from './changes/change-fixture.ts';
import { newDataDir } from './ops/gateway-process.ts';
import { BIN, childEnv } from './support/cli-process.ts';

const BOT_TOKEN = 'stdio-bot-token-7a41';
const ADMIN_TOKEN = 'stdio-admin-token-2b93';
const CODE = `async def main(service: str = "claude") -> dict:
    """Reports whether a service is up."""
    return {"service": service, "up": True}
`;

/** Every ref of a bare repo, as `<sha> <name>` lines. */
function refs(gitDir: string): string[] {
  return execFileSync('git', ['--git-dir', gitDir, 'for-each-ref', '--format=%(objectname) %(refname)'], { encoding: 'utf8' }).split('\n').filter((l) => l !== '');
}

describe.each(['github', 'gitea'] as const)('mcpbox stdio with MCPBOX_FORGE=%s', (kind) => {
  const dir = mkdtempSync(join(tmpdir(), `mcpbox-stdio-forge-${kind}-`));
  const forgeGitDir = join(dir, 'forge', 'tools.git');
  let forge: FakeForge;
  let dataDir: string;
  let client: Client;
  let stderr = '';

  beforeAll(async () => {
    await initRepo(forgeGitDir, TEMPLATE_DIR, { name: 'Admin', email: 'admin@example.invalid' });
    forge = await startFakeForge({ gitDir: forgeGitDir, botToken: BOT_TOKEN, adminToken: ADMIN_TOKEN });
    dataDir = await newDataDir();
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [BIN, 'stdio'],
      env: childEnv({ MCPBOX_DATA_DIR: dataDir, MCPBOX_FORGE: kind, MCPBOX_REPO: forge.repoUrl, MCPBOX_FORGE_TOKEN: BOT_TOKEN, LOG_LEVEL: 'info', NO_COLOR: '1' }),
      stderr: 'pipe',
    });
    transport.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    client = new Client({ name: `stdio-forge-${kind}`, version: '1.0.0' }, { versionNegotiation: { mode: 'legacy' } });
    await client.connect(transport);
    const deadline = Date.now() + 90_000;
    while (!(await client.listTools()).tools.some((t) => t.name === 'examples__text_stats')) {
      if (Date.now() > deadline) throw new Error(`the forge's main never went live over stdio: ${stderr.slice(-1500)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }, 180_000);

  afterAll(async () => {
    await client?.close().catch(() => undefined);
    await forge?.stop();
    rmSync(dir, { recursive: true, force: true });
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
  });

  it('proposes a change that reaches the forge (branch + pull request), writing nothing into the mirror', async () => {
    const mirror = join(dataDir, 'mirror.git');
    // The mirror was fetched from the forge, never created from the template here.
    expect(refs(mirror)).toEqual(refs(forgeGitDir));

    expect((await call(client, 'mcpbox_create_server', { name: 'uptime', description: 'Checks whether services are up' })).isError).toBe(false);
    const created = await call(client, 'mcpbox_create_tool', { server_id: 'uptime', name: 'claude_status', python_code: CODE });
    expect(created.isError, created.text).toBe(false);
    const publish = await call(client, 'mcpbox_request_publish', { tool_id: 'uptime__claude_status', notes: 'Proposed over stdio.' });
    expect(publish.isError, publish.text).toBe(false);

    const number = publish.data.pull_request as number;
    expect(forge.state.pull(number)).toMatchObject({ state: 'open', head: 'mcpbox/draft/uptime', base: 'main', user: 'mcpbox-bot' });
    const branch = refs(forgeGitDir).find((l) => l.endsWith(' refs/heads/mcpbox/draft/uptime'));
    expect(branch).toBeDefined();
    const files = execFileSync('git', ['--git-dir', forgeGitDir, 'ls-tree', '-r', '--name-only', 'mcpbox/draft/uptime'], { encoding: 'utf8' });
    expect(files).toContain('servers/uptime/tools/claude_status.py');
    expect(forge.contractFailures).toEqual([]);

    // Nothing was written into the mirror: every ref it has is the forge's, at the forge's commit
    // (no local pull-request records, no branch of its own).
    const forgeRefs = new Set(refs(forgeGitDir));
    for (const ref of refs(mirror)) expect(forgeRefs.has(ref), ref).toBe(true);
    expect(refs(mirror).filter((l) => !/ refs\/heads\//.test(l))).toEqual([]);
  }, 180_000);
});
