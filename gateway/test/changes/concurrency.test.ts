// Twenty MCP clients writing at once over HTTP, on separate branches and on the same branch: every
// successful call's commit is on its branch, racing updates of one version give exactly one
// winner and conflicts for the rest, and the repository stays consistent (git fsck).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/client';
import { createChangeServices } from '../../src/services/changes/index.ts';
import { MainStateReader } from '../../src/services/main-state.ts';
import { call, startChangeGateway, type ChangeFixture } from './change-fixture.ts';

const CLIENTS = 20;
let fx: ChangeFixture;
let clients: Client[];

const code = (n: number) => `async def main(x: int = ${n}) -> dict:\n    return {"n": x}\n`;

beforeAll(async () => {
  fx = await startChangeGateway();
  clients = await Promise.all(Array.from({ length: CLIENTS }, (_, i) => fx.client(`client-${i}`)));
}, 60_000);

afterAll(async () => {
  await fx?.close();
});

function files(ref: string): string[] {
  return fx.git('ls-tree', '-r', '--name-only', ref).trim().split('\n');
}

describe('twenty clients at once', () => {
  it('separate branches: each client drafts its own server and tool; nothing is lost', async () => {
    const results = await Promise.all(
      clients.map(async (c, i) => {
        const s = await call(c, 'mcpbox_create_server', { name: `solo${i}`, description: `Server of client ${i}` });
        const t = await call(c, 'mcpbox_create_tool', { server_id: `solo${i}`, name: 'probe', python_code: code(i) });
        return [s, t];
      }),
    );
    for (const [s, t] of results) {
      expect(s!.isError, s!.text).toBe(false);
      expect(t!.isError, t!.text).toBe(false);
    }
    for (let i = 0; i < CLIENTS; i++) {
      expect(files(`refs/heads/mcpbox/draft/solo${i}`)).toEqual(expect.arrayContaining([`servers/solo${i}/server.yaml`, `servers/solo${i}/tools/probe.py`]));
      expect(fx.git('log', '--format=%s', `refs/heads/mcpbox/draft/solo${i}`, '--not', 'main').trim().split('\n')).toEqual(['tool(solo' + i + '): add probe', `server(solo${i}): create`]);
    }
  }, 120_000);

  it('same branch: twenty tools created into one server at once all land, one commit each', async () => {
    expect((await call(clients[0]!, 'mcpbox_create_server', { name: 'shared', description: 'One branch for everyone' })).isError).toBe(false);
    const results = await Promise.all(clients.map((c, i) => call(c, 'mcpbox_create_tool', { server_id: 'shared', name: `tool${i}`, python_code: code(i) })));
    for (const r of results) expect(r.isError, r.text).toBe(false);
    const tree = files('refs/heads/mcpbox/draft/shared');
    for (let i = 0; i < CLIENTS; i++) expect(tree).toContain(`servers/shared/tools/tool${i}.py`);
    const commits = fx.git('log', '--format=%H', 'refs/heads/mcpbox/draft/shared', '--not', 'main').trim().split('\n');
    expect(commits).toHaveLength(CLIENTS + 1);
    for (const r of results) expect(commits).toContain(r.data.commit);
  }, 120_000);

  it('same tool: racing updates from one version give one winner and clear conflicts', async () => {
    const status = await call(clients[0]!, 'mcpbox_get_tool_status', { tool_id: 'shared__tool0' });
    const base = status.data.draft_version as string;
    expect(base).toMatch(/^[0-9a-f]{40}$/);
    const results = await Promise.all(clients.map((c, i) => call(c, 'mcpbox_update_tool', { tool_id: 'shared__tool0', python_code: code(1000 + i), expected_version: base })));
    const winners = results.filter((r) => !r.isError);
    const losers = results.filter((r) => r.isError);
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(CLIENTS - 1);
    for (const l of losers) expect(l.text).toMatch(/^Error: Conflict: tool "shared__tool0" changed since version/);
    const content = fx.git('show', 'refs/heads/mcpbox/draft/shared:servers/shared/tools/tool0.py');
    expect(content).toBe(code(1000 + results.indexOf(winners[0]!)));
  }, 120_000);

  it('same branch, different tools, no expected version: every update lands', async () => {
    const results = await Promise.all(clients.map((c, i) => call(c, 'mcpbox_update_tool', { tool_id: `shared__tool${i}`, timeout_ms: 1000 + i })));
    for (const r of results) expect(r.isError, r.text).toBe(false);
    for (let i = 0; i < CLIENTS; i++) {
      expect(fx.git('show', `refs/heads/mcpbox/draft/shared:servers/shared/tools/tool${i}.yaml`)).toMatch(new RegExp(`timeout_ms: ${1000 + i}\\b`));
    }
  }, 120_000);

  it('two writers that do not share a queue (as two processes) still lose no commit on one branch', async () => {
    // A second, independent set of services over the same repo: its own forge and branch queue.
    const other = createChangeServices({ gitDir: fx.repo, mainState: new MainStateReader(fx.repo), registry: fx.registry });
    await call(clients[0]!, 'mcpbox_create_server', { name: 'twin', description: 'Two writers' });
    const viaHttp = clients.slice(0, 10).map((c, i) => call(c, 'mcpbox_create_tool', { server_id: 'twin', name: `http${i}`, python_code: code(i) }));
    const direct = Array.from({ length: 10 }, (_, i) => other.drafts.createTool('twin', `direct${i}`, code(i), {}));
    const [http, own] = await Promise.all([Promise.all(viaHttp), Promise.all(direct)]);
    for (const r of http) expect(r.isError, r.text).toBe(false);
    const tree = files('refs/heads/mcpbox/draft/twin');
    for (let i = 0; i < 10; i++) {
      expect(tree).toContain(`servers/twin/tools/http${i}.py`);
      expect(tree).toContain(`servers/twin/tools/direct${i}.py`);
    }
    const commits = fx.git('log', '--format=%H', 'refs/heads/mcpbox/draft/twin', '--not', 'main').trim().split('\n');
    expect(commits).toHaveLength(21);
    for (const r of own) expect(commits).toContain(r.commit);
  }, 120_000);

  it('the same module asked for by twenty clients at once: one pull request, one commit, the rest pointed at it', async () => {
    const results = await Promise.all(clients.map((c, i) => call(c, 'mcpbox_request_module', { module_name: 'numpy', justification: `array maths for tool number ${i}` })));
    for (const r of results) expect(r.isError, r.text).toBe(false);
    expect(results.filter((r) => r.data.outcome === 'created')).toHaveLength(1);
    expect(new Set(results.map((r) => r.data.pull_request)).size).toBe(1);
    expect(fx.git('rev-list', '--count', 'refs/heads/mcpbox/module/numpy', '--not', 'main').trim()).toBe('1');
    expect(fx.git('show', 'refs/heads/mcpbox/module/numpy:policy/modules.yaml').match(/- name: numpy/g)).toHaveLength(1);
  }, 120_000);

  it('publishing from many clients at once opens one pull request; main never moved; fsck is clean', async () => {
    const mainBefore = fx.git('rev-parse', 'main').trim();
    const results = await Promise.all(clients.slice(0, 10).map((c) => call(c, 'mcpbox_request_publish', { server_id: 'shared' })));
    for (const r of results) expect(r.isError, r.text).toBe(false);
    const numbers = new Set(results.map((r) => r.data.pull_request));
    expect(numbers.size).toBe(1);
    expect(results.filter((r) => r.data.outcome === 'created')).toHaveLength(1);
    expect(fx.git('rev-parse', 'main').trim()).toBe(mainBefore);
    expect(fx.git('fsck', '--strict', '--no-dangling')).toBe('');
    // Every ref the gateway wrote is inside its scope.
    const refs = fx.git('for-each-ref', '--format=%(refname)').trim().split('\n');
    for (const ref of refs) expect(ref).toMatch(/^refs\/(heads\/main|heads\/mcpbox\/.+|pull\/\d+\/head|mcpbox\/pulls)$/);
  }, 120_000);
});
