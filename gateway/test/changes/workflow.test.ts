// The write-side tools over a real MCP client against the real gateway, real git and the real
// sandbox: drafts accumulate on the server's branch, tests run the draft under main's policy and
// are recorded, publishing opens one pull request carrying code, schema, test and asks, and the
// status follows the pull request through review (merged or closed with a reason).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/client';
import { createSandbox, type SandboxPool } from '@mcpbox/sandbox';
import { call, startChangeGateway, type ChangeFixture } from './change-fixture.ts';

const CODE = `import re

async def main(url: str, keyword: str = "ok") -> dict:
    """Checks whether a page mentions a keyword."""
    return {"url": url, "keyword": keyword, "slug": re.sub(r"[^a-z]+", "-", url.lower())}
`;

let fx: ChangeFixture;
let sandbox: SandboxPool;
let client: Client;
const cache = mkdtempSync(join(tmpdir(), 'mcpbox-changes-sandbox-'));

beforeAll(async () => {
  sandbox = createSandbox({ dataDir: cache });
  fx = await startChangeGateway({ sandbox });
  client = await fx.client('workflow-client');
}, 180_000);

afterAll(async () => {
  await fx?.close();
  await sandbox?.close();
  rmSync(cache, { recursive: true, force: true });
});

describe('drafting, testing and publishing', () => {
  let version = '';

  it('lists every write tool with a description that teaches the workflow', async () => {
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name);
    for (const name of ['mcpbox_create_server', 'mcpbox_create_tool', 'mcpbox_update_tool', 'mcpbox_delete_tool', 'mcpbox_delete_server', 'mcpbox_validate_code', 'mcpbox_test_code', 'mcpbox_request_publish', 'mcpbox_request_module', 'mcpbox_request_network_access', 'mcpbox_get_tool_status', 'mcpbox_list_pending_requests', 'mcpbox_rollback_tool', 'mcpbox_create_server_secret', 'mcpbox_list_server_secrets', 'mcpbox_start_server', 'mcpbox_stop_server']) {
      expect(names).toContain(name);
    }
    const create = tools.find((t) => t.name === 'mcpbox_create_tool')!;
    expect(create.description).toMatch(/mcpbox\/draft\/<server>/);
    expect(create.description).toMatch(/async def main/);
    expect(create.description).toMatch(/secrets/);
  });

  it('creates a server and a tool on the draft branch, authored by the bot with the client named', async () => {
    const server = await call(client, 'mcpbox_create_server', { name: 'uptime', description: 'Checks whether web services are up' });
    expect(server.isError).toBe(false);
    expect(server.data).toMatchObject({ id: 'uptime', branch: 'mcpbox/draft/uptime', status: 'draft' });
    const tool = await call(client, 'mcpbox_create_tool', { server_id: 'uptime', name: 'claude_status', python_code: CODE });
    expect(tool.isError).toBe(false);
    version = tool.data.version as string;
    expect(version).toBe(fx.git('rev-parse', 'refs/heads/mcpbox/draft/uptime:servers/uptime/tools/claude_status.py').trim());
    const log = fx.git('log', '-1', '--format=%an <%ae>%n%B', 'refs/heads/mcpbox/draft/uptime');
    expect(log).toMatch(/^mcpbox <mcpbox@localhost>\ntool\(uptime\): add claude_status/);
    expect(log).toMatch(/MCP-Client: workflow-client\/1\.2\.3/);
    // main is untouched
    expect(fx.git('ls-tree', '-r', '--name-only', 'main')).not.toMatch(/uptime/);
    const again = await call(client, 'mcpbox_create_tool', { server_id: 'uptime', name: 'claude_status', python_code: CODE });
    expect(again.isError).toBe(true);
    expect(again.text).toMatch(/already exists.*mcpbox_update_tool/);
  });

  it('validates code: schema, imports against main\'s policy, with lines', async () => {
    const ok = await call(client, 'mcpbox_validate_code', { code: CODE });
    expect(ok.data).toMatchObject({ valid: true, has_main: true, sandbox_checked: true });
    expect(ok.data.input_schema).toMatchObject({ properties: { url: { type: 'string' } }, required: ['url'] });
    expect(ok.data.imports).toEqual([{ name: 're', allowed: true, via: 'safe_set' }]);
    const bad = await call(client, 'mcpbox_validate_code', { code: 'import yaml\nimport os\n\nasync def main() -> dict:\n    return {}\n' });
    expect(bad.data.valid).toBe(false);
    const errors = bad.data.errors as Array<{ line: number; message: string }>;
    expect(errors).toEqual(expect.arrayContaining([expect.objectContaining({ line: 1, message: expect.stringMatching(/yaml.*mcpbox_request_module/) }), expect.objectContaining({ line: 2, message: expect.stringMatching(/`os`.*reach the host/) })]));
    // One analyzer checks Python: a sync `main` is one problem with one message, not two phrasings of it.
    const sync = await call(client, 'mcpbox_validate_code', { code: 'def main():\n    return 1\n' });
    expect(sync.data.valid).toBe(false);
    expect(sync.data.errors).toEqual([{ line: 1, col: 1, message: '`main` must be async: write `async def main(...)` instead of `def main(...)`' }]);
  });

  it('tests the draft in the sandbox under main\'s policy and records the result', async () => {
    const run = await call(client, 'mcpbox_test_code', { tool_id: 'uptime__claude_status', arguments: { url: 'https://Status.Example' } });
    expect(run.isError).toBe(false);
    expect(run.data).toMatchObject({ source: 'draft', success: true, recorded: true, version, result: { url: 'https://Status.Example', keyword: 'ok', slug: 'https-status-example' } });
    const status = await call(client, 'mcpbox_get_tool_status', { tool_id: 'uptime__claude_status' });
    expect(status.data).toMatchObject({ status: 'draft', draft_version: version, on_main: false, live: false, pull_request: null });
  }, 60_000);

  it('refuses a stale expected_version as a conflict and accepts the current one', async () => {
    const code2 = CODE.replace('"ok"', '"up"');
    const updated = await call(client, 'mcpbox_update_tool', { tool_id: 'uptime__claude_status', python_code: code2, expected_version: version });
    expect(updated.isError).toBe(false);
    const stale = await call(client, 'mcpbox_update_tool', { tool_id: 'uptime__claude_status', python_code: CODE, expected_version: version });
    expect(stale.isError).toBe(true);
    expect(stale.text).toMatch(/Conflict: .*changed since version/);
    expect(stale.text).toContain(updated.data.version as string);
    const same = await call(client, 'mcpbox_update_tool', { tool_id: 'uptime__claude_status', python_code: code2 });
    expect(same.data).toMatchObject({ commit: null, changed: [] });
    version = updated.data.version as string;
  });

  it('publishes the draft as one pull request whose body carries code, schema, the last test and the asks', async () => {
    await call(client, 'mcpbox_test_code', { tool_id: 'uptime__claude_status', arguments: { url: 'x' } });
    await call(client, 'mcpbox_create_server_secret', { server_id: 'uptime', key: 'STATUS_TOKEN', description: 'token for the status API' });
    const grant = await call(client, 'mcpbox_request_network_access', { server_id: 'uptime', host: 'status.example.com', justification: 'the tool reads the public status page' });
    expect(grant.data).toMatchObject({ outcome: 'draft' });
    const published = await call(client, 'mcpbox_request_publish', { tool_id: 'uptime__claude_status', notes: 'Tested with a fake URL.' });
    expect(published.isError).toBe(false);
    expect(published.data).toMatchObject({ outcome: 'created', pull_request: 1, url: 'mcpbox://pulls/1', tools: ['uptime__claude_status'] });
    expect(published.data.title).toBe('server(uptime): create with add claude_status');
    const pr = await fx.admin.getPullRequest({ number: 1 });
    expect(pr.kind).toBe('tools');
    expect(pr.body).toContain('async def main(url: str, keyword: str = "up")');
    expect(pr.body).toMatch(/"required": \[\s*"url"\s*\]/);
    expect(pr.body).toMatch(/\*\*Last test:\*\* passed .*arguments \{"url":"x"\}/);
    expect(pr.body).toContain('secret name `STATUS_TOKEN`');
    expect(pr.body).toContain('network: `status.example.com`');
    expect(pr.body).toContain('Tested with a fake URL.');
    expect(pr.body).toMatch(/Proposed through mcpbox by MCP-Client: workflow-client\/1\.2\.3\.$/);
    const twice = await call(client, 'mcpbox_request_publish', { server_id: 'uptime' });
    expect(twice.data).toMatchObject({ outcome: 'existing', pull_request: 1 });
    const status = await call(client, 'mcpbox_get_tool_status', { tool_id: 'uptime__claude_status' });
    expect(status.data).toMatchObject({ status: 'pending_review', pull_request: { number: 1, state: 'open', url: 'mcpbox://pulls/1' } });
    const pending = await call(client, 'mcpbox_list_pending_requests');
    expect(pending.data.summary).toMatchObject({ tools: 1, total: 1 });
  });

  it('shows a rejection with the reviewer\'s reason, then a fixed draft goes back to review', async () => {
    await fx.admin.closePullRequest({ number: 1, reason: 'Please use a timeout of 5 s.' });
    const rejected = await call(client, 'mcpbox_get_tool_status', { tool_id: 'uptime__claude_status' });
    expect(rejected.data).toMatchObject({ status: 'rejected', rejection_reason: 'Please use a timeout of 5 s.' });
    const fixed = await call(client, 'mcpbox_update_tool', { tool_id: 'uptime__claude_status', timeout_ms: 5000, expected_version: version });
    expect(fixed.data).toMatchObject({ changed: ['settings'] });
    expect((await call(client, 'mcpbox_get_tool_status', { tool_id: 'uptime__claude_status' })).data).toMatchObject({ status: 'draft', rejection_reason: 'Please use a timeout of 5 s.' });
    const again = await call(client, 'mcpbox_request_publish', { tool_id: 'uptime__claude_status' });
    expect(again.data).toMatchObject({ outcome: 'created', pull_request: 2 });
  });

  it('goes approved when merged and live when applied; the draft branch starts again from main', async () => {
    await fx.admin.mergePullRequest({ number: 2 });
    expect((await call(client, 'mcpbox_get_tool_status', { tool_id: 'uptime__claude_status' })).data).toMatchObject({ status: 'approved', on_main: true });
    await fx.reapply();
    const live = await call(client, 'mcpbox_get_tool_status', { tool_id: 'uptime__claude_status' });
    expect(live.data).toMatchObject({ status: 'live', live: true, pull_request: { number: 2, state: 'merged' } });
    const secrets = await call(client, 'mcpbox_list_server_secrets', { server_id: 'uptime' });
    expect(secrets.data).toMatchObject({ secrets: [{ key: 'STATUS_TOKEN', description: 'token for the status API', has_value: false }], total: 1 });
    fx.secrets.set('uptime', 'STATUS_TOKEN', 's3cret-value');
    const set = await call(client, 'mcpbox_list_server_secrets', { server_id: 'uptime' });
    expect(set.data).toMatchObject({ secrets: [{ key: 'STATUS_TOKEN', has_value: true }] });
    expect(set.text).not.toContain('s3cret-value');
    // A new change after the merge starts from main, not from the merged branch.
    const next = await call(client, 'mcpbox_create_tool', { server_id: 'uptime', name: 'ping', python_code: 'async def main() -> dict:\n    return {"pong": True}\n' });
    expect(next.isError).toBe(false);
    const parent = fx.git('rev-parse', 'refs/heads/mcpbox/draft/uptime^').trim();
    expect(parent).toBe(fx.git('rev-parse', 'refs/heads/main').trim());
    const dropped = await call(client, 'mcpbox_delete_tool', { tool_id: 'uptime__ping', reason: 'not needed after all' });
    expect(dropped.data).toMatchObject({ outcome: 'draft', pull_request: null });
  });
});

describe('requests that edit policy', () => {
  it('answers built-in and duplicate module asks clearly, and keeps the policy file\'s comments', async () => {
    const builtin = await call(client, 'mcpbox_request_module', { module_name: 'json', justification: 'parse the status API responses' });
    expect(builtin.isError).toBe(true);
    expect(builtin.text).toMatch(/built-in safe set/);
    const first = await call(client, 'mcpbox_request_module', { module_name: 'yaml', justification: 'parse YAML status feeds', tool_id: 'uptime__claude_status' });
    expect(first.data).toMatchObject({ outcome: 'created', branch: 'mcpbox/module/yaml', title: 'policy(modules): allow yaml' });
    const dup = await call(client, 'mcpbox_request_module', { module_name: 'yaml', justification: 'parse YAML status feeds again' });
    expect(dup.data).toMatchObject({ outcome: 'existing', pull_request: first.data.pull_request });
    const file = fx.git('show', 'refs/heads/mcpbox/module/yaml:policy/modules.yaml');
    expect(file).toMatch(/^# Python modules a tool may import/);
    expect(file).toMatch(/- name: yaml\n\s+reason: "?uptime__claude_status: parse YAML status feeds/);
    await fx.admin.mergePullRequest({ number: first.data.pull_request as number });
    const granted = await call(client, 'mcpbox_request_module', { module_name: 'yaml', justification: 'parse YAML status feeds' });
    expect(granted.text).toMatch(/already allowed on main/);
  });

  it('opens a network request for a server on main, refuses URLs and already-granted hosts', async () => {
    const url = await call(client, 'mcpbox_request_network_access', { server_id: 'uptime', host: 'https://api.example.com/v1', justification: 'reads the API of example' });
    expect(url.isError).toBe(true);
    expect(url.text).toMatch(/not a URL: pass "api.example.com"/);
    const granted = await call(client, 'mcpbox_request_network_access', { server_id: 'uptime', host: 'Status.Example.com.', justification: 'reads the status page' });
    expect(granted.text).toMatch(/already reach status.example.com/);
    const opened = await call(client, 'mcpbox_request_network_access', { tool_id: 'uptime__claude_status', host: 'api.example.com', port: 8443, justification: 'reads the API of example' });
    expect(opened.data).toMatchObject({ outcome: 'created', branch: 'mcpbox/network/uptime__api.example.com__8443' });
    expect(fx.git('show', 'refs/heads/mcpbox/network/uptime__api.example.com__8443:policy/network.yaml')).toMatch(/host: api.example.com\n\s+port: 8443/);
  });

  it('keeps branch names within git\'s limits for the longest hosts and secret names', async () => {
    const label = 'a'.repeat(63);
    const host = `${label}.${label}.${label}.${'b'.repeat(61)}`;
    expect(host.length).toBe(253);
    const long = await call(client, 'mcpbox_request_network_access', { server_id: 'uptime', host, justification: 'a host with the longest name DNS allows' });
    expect(long.isError, long.text).toBe(false);
    expect((long.data.branch as string).length).toBeLessThanOrEqual(180);
    expect(long.data.branch).toMatch(/^mcpbox\/network\/uptime__a+.*-[0-9a-f]{12}$/);
    const again = await call(client, 'mcpbox_request_network_access', { server_id: 'uptime', host, justification: 'a host with the longest name DNS allows' });
    expect(again.data).toMatchObject({ outcome: 'existing', branch: long.data.branch });
    const secret = await call(client, 'mcpbox_create_server_secret', { server_id: 'uptime', key: `K${'_X'.repeat(63)}1` });
    expect(secret.isError, secret.text).toBe(false);
  });
});

describe('rollback, deletion and runtime switches', () => {
  it('proposes restoring an older version, and refuses the version main already has', async () => {
    const versions = await call(client, 'mcpbox_list_tool_versions', { tool_id: 'uptime__claude_status' });
    const list = versions.data.versions as Array<{ commit: string }>;
    const head = list[0]!.commit;
    const same = await call(client, 'mcpbox_rollback_tool', { tool_id: 'uptime__claude_status', version: head.slice(0, 10) });
    expect(same.isError).toBe(true);
    expect(same.text).toMatch(/already identical/);
    const unknown = await call(client, 'mcpbox_rollback_tool', { tool_id: 'uptime__claude_status', version: 'abcdef1' });
    expect(unknown.text).toMatch(/not a version/);
  });

  it('opens a rollback pull request that restores the first version\'s files', async () => {
    const versions = (await call(client, 'mcpbox_list_tool_versions', { tool_id: 'uptime__claude_status' })).data.versions as Array<{ commit: string; message: string }>;
    const first = versions.find((v) => v.message.startsWith('tool(uptime): add claude_status'));
    expect(first, JSON.stringify(versions)).toBeDefined();
    const rollback = await call(client, 'mcpbox_rollback_tool', { tool_id: 'uptime__claude_status', version: first!.commit.slice(0, 12) });
    expect(rollback.isError, rollback.text).toBe(false);
    expect(rollback.data).toMatchObject({ outcome: 'created', restored_commit: first!.commit, branch: `mcpbox/rollback/uptime__claude_status__${first!.commit.slice(0, 12)}` });
    const branch = `refs/heads/${rollback.data.branch as string}`;
    expect(fx.git('show', `${branch}:servers/uptime/tools/claude_status.py`)).toBe(CODE);
    // The settings file the later version added is gone again, as it was then.
    expect(fx.git('ls-tree', '-r', '--name-only', branch)).not.toMatch(/claude_status\.yaml/);
    const pr = await fx.admin.getPullRequest({ number: rollback.data.pull_request as number });
    expect(pr).toMatchObject({ kind: 'rollback', title: `tool(uptime): roll back claude_status to ${first!.commit.slice(0, 12)}` });
  });

  it('declares a secret on a server on main by pull request; duplicates are answered', async () => {
    const opened = await call(client, 'mcpbox_create_server_secret', { server_id: 'uptime', key: 'WEBHOOK_URL', description: 'where alerts go' });
    expect(opened.data).toMatchObject({ outcome: 'created', branch: 'mcpbox/secret/uptime__WEBHOOK_URL' });
    expect(fx.git('show', 'refs/heads/mcpbox/secret/uptime__WEBHOOK_URL:servers/uptime/server.yaml')).toMatch(/- name: STATUS_TOKEN\n\s+description: token for the status API\n\s+- name: WEBHOOK_URL\n\s+description: where alerts go/);
    const again = await call(client, 'mcpbox_create_server_secret', { server_id: 'uptime', key: 'WEBHOOK_URL' });
    expect(again.data).toMatchObject({ outcome: 'existing', pull_request: opened.data.pull_request });
    const declared = await call(client, 'mcpbox_create_server_secret', { server_id: 'uptime', key: 'STATUS_TOKEN' });
    expect(declared.isError).toBe(true);
    expect(declared.text).toMatch(/already declares the secret STATUS_TOKEN/);
    const lower = await call(client, 'mcpbox_create_server_secret', { server_id: 'uptime', key: 'api_key' });
    expect(lower.text).toMatch(/key: must be upper-case letters/);
  });

  it('deletes a server by pull request, with its network grants', async () => {
    const del = await call(client, 'mcpbox_delete_server', { server_id: 'uptime', reason: 'moving the checks elsewhere' });
    expect(del.data).toMatchObject({ outcome: 'created', branch: 'mcpbox/remove/uptime' });
    const tree = fx.git('ls-tree', '-r', '--name-only', 'refs/heads/mcpbox/remove/uptime');
    expect(tree).not.toMatch(/servers\/uptime\//);
    expect(fx.git('show', 'refs/heads/main:policy/network.yaml')).toMatch(/server: uptime/);
    expect(fx.git('show', 'refs/heads/mcpbox/remove/uptime:policy/network.yaml')).not.toMatch(/server: uptime/);
    expect((await call(client, 'mcpbox_delete_server', { server_id: 'ghost', reason: 'there is no such server' })).text).toMatch(/no server "ghost" on main/);
    const pending = await call(client, 'mcpbox_list_pending_requests');
    expect((pending.data.pending_deletions as unknown[]).length).toBe(1);
    expect((pending.data.pending_rollbacks as unknown[]).length).toBe(1);
    // (one each from the policy tests above, plus the longest-name ones)
    expect((pending.data.pending_secret_requests as unknown[]).length).toBe(2);
    expect((pending.data.pending_network_requests as unknown[]).length).toBe(2);
  });

  it('deletes a tool on main only by pull request', async () => {
    const del = await call(client, 'mcpbox_delete_tool', { tool_id: 'uptime__claude_status', reason: 'replaced by a better check' });
    expect(del.data).toMatchObject({ outcome: 'created', branch: 'mcpbox/remove/uptime__claude_status' });
    expect(fx.git('ls-tree', '-r', '--name-only', 'main')).toMatch(/servers\/uptime\/tools\/claude_status\.py/);
    const pr = await fx.admin.getPullRequest({ number: del.data.pull_request as number });
    expect(pr.kind).toBe('delete_tool');
  });

  it('stops and starts a server, persisted in the state store; a stopped server\'s tools are refused', async () => {
    const stop = await call(client, 'mcpbox_stop_server', { server_id: 'uptime' });
    expect(stop.data).toMatchObject({ running: false, changed: true });
    const row = fx.store.db.prepare('SELECT running FROM server_switches WHERE server = ?').get('uptime') as { running: number };
    expect(row.running).toBe(0);
    expect((await call(client, 'mcpbox_stop_server', { server_id: 'uptime' })).data).toMatchObject({ changed: false });
    const refused = await client.callTool({ name: 'uptime__claude_status', arguments: { url: 'u' } });
    expect(refused.isError).toBe(true);
    expect((refused.content as Array<{ text: string }>)[0]?.text).toMatch(/Server "uptime" is stopped .*mcpbox_start_server/);
    expect((await call(client, 'mcpbox_start_server', { server_id: 'uptime' })).data).toMatchObject({ running: true, changed: true });
    const ran = await client.callTool({ name: 'uptime__claude_status', arguments: { url: 'u' } });
    expect(ran.isError, JSON.stringify(ran.content)).toBeFalsy();
    expect(ran.structuredContent).toMatchObject({ url: 'u', keyword: 'up' });
    const missing = await call(client, 'mcpbox_start_server', { server_id: 'nope' });
    expect(missing.text).toMatch(/no server "nope" on main/);
  });
});

describe('a draft that needs a module main does not allow', () => {
  it('names the module as an ask and links only the requests it depends on', async () => {
    const code = 'import tomllib\n\nasync def main(text: str) -> dict:\n    return tomllib.loads(text)\n';
    expect((await call(client, 'mcpbox_create_tool', { server_id: 'examples', name: 'toml_parse', python_code: code })).isError).toBe(false);
    const validated = await call(client, 'mcpbox_validate_code', { code });
    expect(validated.data.imports).toEqual([{ name: 'tomllib', allowed: false, via: 'not_allowed' }]);
    const wanted = await call(client, 'mcpbox_request_module', { module_name: 'tomllib', justification: 'parse TOML configuration files', tool_id: 'examples__toml_parse' });
    const unrelated = await call(client, 'mcpbox_request_module', { module_name: 'difflib2', justification: 'an unrelated module request' });
    const published = await call(client, 'mcpbox_request_publish', { tool_id: 'examples__toml_parse' });
    expect(published.isError, published.text).toBe(false);
    const pr = await fx.admin.getPullRequest({ number: published.data.pull_request as number });
    expect(pr.body).toContain('examples__toml_parse: module `tomllib` (not allowed on main: request it with mcpbox_request_module)');
    expect(pr.body).toContain(`related open request #${wanted.data.pull_request as number}: policy(modules): allow tomllib`);
    expect(pr.body).not.toContain(`#${unrelated.data.pull_request as number}:`);
    expect(pr.title).toBe('tool(examples): add toml_parse');
  }, 60_000);
});
