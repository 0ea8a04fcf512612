// The GitHub adapter against the fake forge: real Octokit, real fetch, real git over HTTP, every
// request and response checked against GitHub's OpenAPI description.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitHubForge, isGitError, readTree, type GitHubForge } from '@mcpbox/core';
import { ADMIN_TOKEN, BOT_TOKEN, startForgeFixture, type ForgeFixture } from './forge-fixture.ts';

let fx: ForgeFixture;
let forge: GitHubForge;
let admin: GitHubForge;

beforeAll(async () => {
  fx = await startForgeFixture({ 'README.md': 'tools\n', 'servers/demo/server.yaml': 'description: demo\n' });
  forge = createGitHubForge({ apiUrl: fx.forge.githubApiUrl, owner: 'acme', repo: 'tools', token: BOT_TOKEN, mirror: fx.mirror });
  admin = createGitHubForge({ apiUrl: fx.forge.githubApiUrl, owner: 'acme', repo: 'tools', token: ADMIN_TOKEN, mirror: fx.mirror });
  await fx.mirror.fetch();
});

afterAll(async () => {
  await fx?.cleanup();
});

describe('GitHub adapter', () => {
  it('creates a branch, commits several files at once and sees them in the mirror', async () => {
    const branch = await forge.createBranch({ branch: 'mcpbox/add-hello' });
    const result = await forge.commitChanges({
      branch: 'mcpbox/add-hello',
      message: 'tool(demo): add hello',
      trailers: { 'Mcpbox-Client': 'test' },
      author: { name: 'mcpbox', email: 'mcpbox@localhost' },
      expectedHead: branch.head,
      changes: [
        { path: 'servers/demo/tools/hello.py', content: 'async def main():\n    return {"hi": 1}\n' },
        { path: 'servers/demo/tools/hello.yaml', content: 'timeout_ms: 1000\n' },
        { path: 'README.md', content: null },
      ],
    });
    expect(result.parent).toBe(branch.head);
    const { files } = await readTree(fx.mirror.gitDir, 'refs/heads/mcpbox/add-hello');
    const paths = files.map((f) => f.path).sort();
    expect(paths).toEqual(['servers/demo/server.yaml', 'servers/demo/tools/hello.py', 'servers/demo/tools/hello.yaml']);
    const read = await forge.readFiles({ ref: 'mcpbox/add-hello' });
    expect(read.commit).toBe(result.commit);
    expect(fx.forge.contractFailures).toEqual([]);
  });

  it('refuses a commit on a moved branch with a conflict (compare-and-swap)', async () => {
    const head = (await forge.listBranches()).find((b) => b.name === 'mcpbox/add-hello')!.head;
    await forge.commitChanges({ branch: 'mcpbox/add-hello', message: 'edit', changes: [{ path: 'a.txt', content: 'a\n' }], expectedHead: head });
    const stale = forge.commitChanges({ branch: 'mcpbox/add-hello', message: 'stale', changes: [{ path: 'b.txt', content: 'b\n' }], expectedHead: head });
    await expect(stale).rejects.toSatisfy((err: unknown) => isGitError(err, 'conflict'));
  });

  it('without an expected head, concurrent writers all land: a lost ref update is rebuilt on the new head', async () => {
    await forge.createBranch({ branch: 'mcpbox/busy' });
    const writes = ['one', 'two', 'three', 'four'].map((name) => forge.commitChanges({ branch: 'mcpbox/busy', message: name, changes: [{ path: `busy/${name}.txt`, content: `${name}\n` }] }));
    const results = await Promise.all(writes);
    expect(new Set(results.map((r) => r.commit)).size).toBe(4);
    const { files } = await forge.readFiles({ ref: 'mcpbox/busy' });
    expect(files.map((f) => f.path).filter((p) => p.startsWith('busy/')).sort()).toEqual(['busy/four.txt', 'busy/one.txt', 'busy/three.txt', 'busy/two.txt']);
    // At least one writer lost the compare-and-swap and retried (422 "not a fast forward").
    expect(fx.forge.requests.some((r) => r.operationId === 'git/update-ref' && r.status === 422)).toBe(true);
    await forge.deleteBranch({ branch: 'mcpbox/busy' });
  });

  it('never writes main, and an existing branch is a conflict', async () => {
    await expect(forge.commitChanges({ branch: 'main', message: 'x', changes: [{ path: 'x', content: 'x' }] })).rejects.toSatisfy((e: unknown) => isGitError(e, 'forbidden_ref'));
    await expect(forge.createBranch({ branch: 'mcpbox/add-hello' })).rejects.toSatisfy((e: unknown) => isGitError(e, 'conflict'));
  });

  it('opens, lists, comments on and reads pull requests, with the kind kept', async () => {
    const pr = await forge.openPullRequest({ branch: 'mcpbox/add-hello', title: 'Add hello', body: 'Adds the hello tool.', kind: 'create_tool' });
    expect(pr).toMatchObject({ number: 1, state: 'open', kind: 'create_tool', body: 'Adds the hello tool.', branch: 'mcpbox/add-hello' });
    await forge.commentPullRequest({ number: 1, body: 'Sandbox test passed.' });
    const got = await forge.getPullRequest({ number: 1 });
    expect(got.comments.map((c) => c.body)).toEqual(['Sandbox test passed.']);
    expect(got.head).toBe((await forge.listBranches()).find((b) => b.name === 'mcpbox/add-hello')!.head);
    expect((await forge.listPullRequests({ state: 'open', branch: 'mcpbox/add-hello' })).map((p) => p.number)).toEqual([1]);
    expect(await forge.listPullRequests({ state: 'open', branch: 'mcpbox/other' })).toEqual([]);
  });

  it('records commit statuses, the latest per context winning', async () => {
    const head = (await forge.getPullRequest({ number: 1 })).head!;
    await forge.setCommitStatus({ sha: head, context: 'mcpbox/test', state: 'pending', description: 'running' });
    await forge.setCommitStatus({ sha: head, context: 'mcpbox/test', state: 'success', description: 'all good' });
    expect(await forge.listCommitStatuses({ sha: head })).toMatchObject([{ context: 'mcpbox/test', state: 'success', description: 'all good' }]);
  });

  it('cannot merge with the bot token; the admin merge is detected as merged', async () => {
    await expect(forge.mergePullRequest({ number: 1 })).rejects.toThrow(/HTTP 405/);
    const merged = await admin.mergePullRequest({ number: 1 });
    expect(merged.state).toBe('merged');
    expect(merged.mergeCommit).toMatch(/^[0-9a-f]{40}$/);
    expect(await fx.mirror.fetch()).toBe(merged.mergeCommit);
    expect((await forge.listPullRequests({ state: 'merged' })).map((p) => p.number)).toEqual([1]);
  });

  it('rolls back with a revert pull request computed by git', async () => {
    const revert = await forge.proposeRevert({ commitOrPr: '#1' });
    expect(revert.branch).toMatch(/^mcpbox\/revert-/);
    const pr = await forge.openPullRequest({ branch: revert.branch, title: 'Revert hello', body: 'rollback', kind: 'rollback' });
    await admin.mergePullRequest({ number: pr.number });
    const main = await fx.mirror.fetch();
    const { files } = await readTree(fx.mirror.gitDir, main);
    expect(files.map((f) => f.path).sort()).toEqual(['README.md', 'servers/demo/server.yaml']);
  });

  it('closes a pull request with its reason', async () => {
    await forge.createBranch({ branch: 'mcpbox/nope' });
    await forge.commitChanges({ branch: 'mcpbox/nope', message: 'nope', changes: [{ path: 'nope.txt', content: 'no\n' }] });
    const pr = await forge.openPullRequest({ branch: 'mcpbox/nope', title: 'Nope', body: '' });
    const closed = await forge.closePullRequest({ number: pr.number, reason: 'Not needed.' });
    expect(closed).toMatchObject({ state: 'closed', closingReason: 'Not needed.' });
    await forge.deleteBranch({ branch: 'mcpbox/nope' });
    expect((await forge.listBranches()).map((b) => b.name)).not.toContain('mcpbox/nope');
  });

  it('kept every request and response within the GitHub API description', () => {
    expect(fx.forge.contractFailures).toEqual([]);
    expect(fx.forge.requests.filter((r) => r.dialect === 'github').length).toBeGreaterThan(20);
  });

  it('says "forge unreachable" when the forge is down, with no token in the message', async () => {
    await fx.forge.stop();
    try {
      const err = await forge.getPullRequest({ number: 1 }).catch((e: unknown) => e as Error);
      expect(err).toMatchObject({ code: 'forge_unreachable' });
      expect((err as Error).message).toMatch(/^forge unreachable: /);
      const fetchErr = await fx.mirror.fetch().catch((e: unknown) => e as Error);
      expect((fetchErr as Error).message).toMatch(/^forge unreachable: git fetch from http:\/\/127\.0\.0\.1:\d+\/acme\/tools\.git failed/);
      for (const e of [err, fetchErr]) expect(JSON.stringify({ m: (e as Error).message, s: (e as Error).stack })).not.toContain(BOT_TOKEN);
      expect(fx.mirror.status()).toMatchObject({ ok: false });
    } finally {
      await fx.forge.start();
    }
    await fx.mirror.fetch();
    expect(fx.mirror.status()).toMatchObject({ ok: true });
  });
});

describe('the fake forge holds requests to the GitHub API description', () => {
  it('refuses a body the real API would refuse (file mode "644") and records why', async () => {
    const { Octokit } = await import('@octokit/rest');
    const octokit = new Octokit({ baseUrl: fx.forge.githubApiUrl, auth: BOT_TOKEN, log: { debug() {}, info() {}, warn() {}, error() {} } });
    const before = fx.forge.contractFailures.length;
    const bad = octokit.rest.git.createTree({ owner: 'acme', repo: 'tools', tree: [{ path: 'x', mode: '644' as '100644', type: 'blob', content: 'x' }] });
    await expect(bad).rejects.toMatchObject({ status: 422 });
    expect(fx.forge.contractFailures.slice(before).join('\n')).toMatch(/git\/create-tree: request does not match the github API description/);
    fx.forge.contractFailures.splice(before);
  });
});
