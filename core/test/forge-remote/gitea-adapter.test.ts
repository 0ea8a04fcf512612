// The Gitea/Forgejo adapter against the fake forge: real fetch, real git over HTTP, every request
// and response checked against the trimmed Gitea swagger.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGiteaForge, isGitError, readTree, type GiteaForge } from '@mcpbox/core';
import { ADMIN_TOKEN, BOT_TOKEN, startForgeFixture, type ForgeFixture } from './forge-fixture.ts';

let fx: ForgeFixture;
let forge: GiteaForge;
let admin: GiteaForge;

beforeAll(async () => {
  fx = await startForgeFixture({ 'README.md': 'tools\n', 'servers/demo/server.yaml': 'description: demo\n' });
  forge = createGiteaForge({ apiUrl: fx.forge.giteaApiUrl, owner: 'acme', repo: 'tools', token: BOT_TOKEN, mirror: fx.mirror });
  admin = createGiteaForge({ apiUrl: fx.forge.giteaApiUrl, owner: 'acme', repo: 'tools', token: ADMIN_TOKEN, mirror: fx.mirror });
  await fx.mirror.fetch();
});

afterAll(async () => {
  await fx?.cleanup();
});

describe('Gitea/Forgejo adapter', () => {
  it('creates a branch and commits creates, updates and deletes in one ChangeFiles call', async () => {
    const branch = await forge.createBranch({ branch: 'mcpbox/add-hello' });
    const result = await forge.commitChanges({
      branch: 'mcpbox/add-hello',
      message: 'tool(demo): add hello',
      trailers: { 'Mcpbox-Client': 'test' },
      author: { name: 'mcpbox', email: 'mcpbox@localhost' },
      expectedHead: branch.head,
      changes: [
        { path: 'servers/demo/tools/hello.py', content: 'async def main():\n    return {"hi": 1}\n' },
        { path: 'servers/demo/server.yaml', content: 'description: demo tools\n' },
        { path: 'README.md', content: null },
      ],
    });
    expect(result.parent).toBe(branch.head);
    const { files, commit } = await readTree(fx.mirror.gitDir, 'refs/heads/mcpbox/add-hello');
    expect(commit).toBe(result.commit);
    expect(Object.fromEntries(files.map((f) => [f.path, f.content]))).toEqual({
      'servers/demo/server.yaml': 'description: demo tools\n',
      'servers/demo/tools/hello.py': 'async def main():\n    return {"hi": 1}\n',
    });
    expect(fx.forge.contractFailures).toEqual([]);
  });

  it('refuses a commit on a moved branch, writes to main and an existing branch', async () => {
    const head = (await forge.listBranches()).find((b) => b.name === 'mcpbox/add-hello')!.head;
    await forge.commitChanges({ branch: 'mcpbox/add-hello', message: 'edit', changes: [{ path: 'a.txt', content: 'a\n' }], expectedHead: head });
    await expect(forge.commitChanges({ branch: 'mcpbox/add-hello', message: 'stale', changes: [{ path: 'b.txt', content: 'b\n' }], expectedHead: head })).rejects.toSatisfy((e: unknown) => isGitError(e, 'conflict'));
    await expect(forge.commitChanges({ branch: 'main', message: 'x', changes: [{ path: 'x', content: 'x' }] })).rejects.toSatisfy((e: unknown) => isGitError(e, 'forbidden_ref'));
    await expect(forge.createBranch({ branch: 'mcpbox/add-hello' })).rejects.toSatisfy((e: unknown) => isGitError(e, 'conflict'));
  });

  it('opens, comments, statuses, refuses the bot merge and detects the admin merge', async () => {
    const pr = await forge.openPullRequest({ branch: 'mcpbox/add-hello', title: 'Add hello', body: 'Adds hello.', kind: 'create_tool' });
    expect(pr).toMatchObject({ number: 1, state: 'open', kind: 'create_tool', body: 'Adds hello.' });
    await forge.commentPullRequest({ number: 1, body: 'Sandbox test passed.' });
    const head = (await forge.getPullRequest({ number: 1 })).head!;
    await forge.setCommitStatus({ sha: head, context: 'mcpbox/test', state: 'pending' });
    await forge.setCommitStatus({ sha: head, context: 'mcpbox/test', state: 'success', description: 'ok' });
    expect(await forge.listCommitStatuses({ sha: head })).toMatchObject([{ context: 'mcpbox/test', state: 'success' }]);
    await expect(forge.mergePullRequest({ number: 1 })).rejects.toThrow(/HTTP 405/);
    const merged = await admin.mergePullRequest({ number: 1 });
    expect(merged).toMatchObject({ state: 'merged', comments: [{ body: 'Sandbox test passed.' }] });
    expect(await fx.mirror.fetch()).toBe(merged.mergeCommit);
  });

  it('reverts through git (Gitea has no revert API) as a new pull request', async () => {
    const revert = await forge.proposeRevert({ commitOrPr: '#1' });
    const pr = await forge.openPullRequest({ branch: revert.branch, title: 'Revert hello', body: '', kind: 'rollback' });
    await admin.mergePullRequest({ number: pr.number });
    const { files } = await readTree(fx.mirror.gitDir, await fx.mirror.fetch());
    expect(Object.fromEntries(files.map((f) => [f.path, f.content]))).toEqual({ 'README.md': 'tools\n', 'servers/demo/server.yaml': 'description: demo\n' });
  });

  it('closes with a reason and deletes the branch', async () => {
    await forge.createBranch({ branch: 'mcpbox/nope' });
    await forge.commitChanges({ branch: 'mcpbox/nope', message: 'nope', changes: [{ path: 'nope.txt', content: 'no\n' }] });
    const pr = await forge.openPullRequest({ branch: 'mcpbox/nope', title: 'Nope', body: '' });
    expect(await forge.closePullRequest({ number: pr.number, reason: 'Not needed.' })).toMatchObject({ state: 'closed', closingReason: 'Not needed.' });
    expect((await forge.listPullRequests({ state: 'closed' })).map((p) => p.number)).toEqual([pr.number]);
    await forge.deleteBranch({ branch: 'mcpbox/nope' });
    expect((await forge.listBranches()).map((b) => b.name)).not.toContain('mcpbox/nope');
  });

  it('kept every request and response within the Gitea API description', () => {
    expect(fx.forge.contractFailures).toEqual([]);
    expect(fx.forge.requests.filter((r) => r.dialect === 'gitea').length).toBeGreaterThan(20);
  });

  it('refuses a merge style Gitea does not know, by the swagger', async () => {
    const res = await fetch(`${fx.forge.giteaApiUrl}/repos/acme/tools/pulls/1/merge`, { method: 'POST', headers: { authorization: `token ${ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ Do: 'fast-forward' }) });
    expect(res.status).toBe(422);
    expect(fx.forge.contractFailures.pop()).toMatch(/repoMergePullRequest: request does not match/);
  });

  it('says "forge unreachable" while the forge is down and recovers', async () => {
    await fx.forge.stop();
    try {
      const err = (await forge.listPullRequests({}).catch((e: unknown) => e)) as Error & { code?: string };
      expect(err.code).toBe('forge_unreachable');
      expect(err.message).toMatch(/^forge unreachable: listing pull requests failed/);
      expect(err.message).not.toContain(BOT_TOKEN);
    } finally {
      await fx.forge.start();
    }
    expect((await forge.listPullRequests({})).length).toBe(3);
  });
});
