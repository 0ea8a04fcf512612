// Main moves while a draft is open: what the draft changes is read from where it left main, so a
// change merged to main meanwhile is neither reported as the draft's nor put in its pull request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/client';
import { call, startChangeGateway, type ChangeFixture } from './change-fixture.ts';

let fx: ChangeFixture;
let client: Client;

beforeAll(async () => {
  fx = await startChangeGateway();
  client = await fx.client('drift');
}, 60_000);

afterAll(async () => {
  await fx?.close();
});

describe('a draft older than main', () => {
  it('keeps to its own changes in status and in the pull request', async () => {
    await call(client, 'mcpbox_create_server', { name: 'drift', description: 'Drift test' });
    await call(client, 'mcpbox_create_tool', { server_id: 'drift', name: 'one', python_code: 'async def main() -> dict:\n    return {"v": 1}\n' });
    const first = await call(client, 'mcpbox_request_publish', { server_id: 'drift' });
    await fx.admin.mergePullRequest({ number: first.data.pull_request as number });

    // A new draft leaves main here...
    await call(client, 'mcpbox_create_tool', { server_id: 'drift', name: 'two', python_code: 'async def main() -> dict:\n    return {"v": 2}\n' });
    // ...then the admin changes tool one on main through another pull request.
    await fx.admin.createBranch({ branch: 'admin/one' });
    await fx.admin.commitChanges({ branch: 'admin/one', changes: [{ path: 'servers/drift/tools/one.py', content: 'async def main() -> dict:\n    return {"v": 10}\n' }], message: 'tool(drift): one returns 10' });
    const adminPr = await fx.admin.openPullRequest({ branch: 'admin/one', title: 'one returns 10', body: '' });
    await fx.admin.mergePullRequest({ number: adminPr.number });

    const one = await call(client, 'mcpbox_get_tool_status', { tool_id: 'drift__one' });
    expect(one.data).toMatchObject({ status: 'approved', draft_branch: null, draft_version: null });
    const two = await call(client, 'mcpbox_get_tool_status', { tool_id: 'drift__two' });
    expect(two.data).toMatchObject({ status: 'draft', draft_branch: 'mcpbox/draft/drift' });
    const publish = await call(client, 'mcpbox_request_publish', { server_id: 'drift' });
    expect(publish.data).toMatchObject({ outcome: 'created', tools: ['drift__two'], title: 'tool(drift): add two' });
    // Merging the older draft keeps the admin's change: a real three-way merge.
    await fx.admin.mergePullRequest({ number: publish.data.pull_request as number });
    expect(fx.git('show', 'refs/heads/main:servers/drift/tools/one.py')).toContain('"v": 10');
    expect(fx.git('show', 'refs/heads/main:servers/drift/tools/two.py')).toContain('"v": 2');
  }, 60_000);
});
