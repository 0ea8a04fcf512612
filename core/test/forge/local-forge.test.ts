import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ForgeError } from '../../src/forge/index.ts';
import { GitError, readTree } from '../../src/git/index.ts';
import { onMainMoved, watchMain, type MainMoved } from '../../src/repo/index.ts';
import { git, tempRepos } from '../git/temp-repo.ts';
import { adminIdentity, forgeFixture, gatewayIdentity } from './forge-fixture.ts';

const temp = tempRepos('mcpbox-forge-');
afterAll(() => temp.cleanup());

const tool = (body: string) => `async def main(city: str) -> dict:\n    return ${body}\n`;

describe('local forge: the proposal loop', () => {
  it('branch → commit → PR → status → merge (a real --no-ff merge by the admin) → revert', async () => {
    const { gitDir, gateway, admin } = await forgeFixture(temp);
    const moves: MainMoved[] = [];
    const stop = onMainMoved(gitDir, (e) => moves.push(e));
    const main0 = git(gitDir, 'rev-parse', 'main');

    const branch = await gateway.createBranch({ branch: 'mcpbox/add-alerts' });
    expect(branch).toEqual({ name: 'mcpbox/add-alerts', head: main0 });
    const c1 = await gateway.commitChanges({
      branch: 'mcpbox/add-alerts',
      changes: [{ path: 'servers/weather/tools/alerts.py', content: tool('{"alerts": []}') }],
      message: 'Add weather alerts',
      author: { name: 'Claude', email: 'llm@mcpbox.local' },
      trailers: { 'Mcpbox-Tool': 'weather__alerts' },
      expectedHead: main0,
    });
    expect(c1.parent).toBe(main0);
    expect(git(gitDir, 'log', '-1', '--format=%an|%cn', 'mcpbox/add-alerts')).toBe('Claude|mcpbox gateway');
    expect(git(gitDir, 'rev-parse', 'main')).toBe(main0);

    const pr = await gateway.openPullRequest({ branch: 'mcpbox/add-alerts', title: 'Add weather alerts', body: 'code…', kind: 'create_tool' });
    expect(pr).toMatchObject({ number: 1, state: 'open', kind: 'create_tool', head: c1.commit, author: gatewayIdentity });
    expect(git(gitDir, 'rev-parse', 'refs/pull/1/head')).toBe(c1.commit);
    await expect(gateway.openPullRequest({ branch: 'mcpbox/add-alerts', title: 'again', body: '' })).rejects.toMatchObject({ code: 'invalid_state' });

    // a later commit on the branch moves the PR head with it
    const c2 = await gateway.commitChanges({ branch: 'mcpbox/add-alerts', changes: [{ path: 'servers/weather/tools/alerts.yaml', content: 'timeout_ms: 2000\n' }], message: 'Tune alerts' });
    expect(git(gitDir, 'rev-parse', 'refs/pull/1/head')).toBe(c2.commit);
    expect((await gateway.getPullRequest({ number: 1 })).head).toBe(c2.commit);

    await gateway.commentPullRequest({ number: 1, body: 'Test run passed.' });
    const status = await gateway.setCommitStatus({ sha: c2.commit, context: 'mcpbox/validate', state: 'pending' });
    await gateway.setCommitStatus({ sha: c2.commit, context: 'mcpbox/validate', state: 'success', description: 'valid' });
    await gateway.setCommitStatus({ sha: c2.commit, context: 'mcpbox/test', state: 'failure' });
    expect(status.state).toBe('pending');
    const statuses = await gateway.listCommitStatuses({ sha: c2.commit });
    expect(statuses.map((s) => `${s.context}=${s.state}`).sort()).toEqual(['mcpbox/test=failure', 'mcpbox/validate=success']);

    const merged = await admin.mergePullRequest({ number: 1 });
    expect(merged).toMatchObject({ state: 'merged', mergedBy: adminIdentity, head: c2.commit });
    const main1 = git(gitDir, 'rev-parse', 'main');
    expect(merged.mergeCommit).toBe(main1);
    expect(git(gitDir, 'rev-list', '--parents', '-n', '1', 'main').split(' ').slice(1)).toEqual([main0, c2.commit]);
    expect(git(gitDir, 'log', '-1', '--format=%an <%ae>|%cn', 'main')).toBe('Ada Admin <ada@example.org>|Ada Admin');
    expect(git(gitDir, 'log', '-1', '--format=%(trailers:key=Mcpbox-Pull-Request,valueonly)', 'main')).toBe('1');
    expect(moves).toEqual([{ gitDir, previous: main0, current: main1, reason: 'merge' }]);
    await expect(admin.mergePullRequest({ number: 1 })).rejects.toMatchObject({ code: 'invalid_state' });

    const list = await gateway.listPullRequests({ state: 'merged' });
    expect(list.map((p) => p.number)).toEqual([1]);
    expect((await gateway.getPullRequest({ number: 1 })).comments.map((c) => c.body)).toEqual(['Test run passed.']);

    // rollback as a PR (gateway) and directly (admin)
    const proposal = await gateway.proposeRevert({ commitOrPr: 1 });
    expect(proposal.branch).toBe(`mcpbox/revert-${main1.slice(0, 12)}`);
    expect(git(gitDir, 'ls-tree', '--name-only', '-r', proposal.commit)).not.toContain('alerts.py');
    const reverted = await admin.revert({ commitOrPr: '#1' });
    expect(reverted).toMatchObject({ reverted: main1, branch: 'main' });
    const { files } = await readTree(gitDir, 'main');
    expect(files.map((f) => f.path)).not.toContain('servers/weather/tools/alerts.py');
    expect(files.map((f) => f.path)).toContain('servers/weather/tools/forecast.py');
    expect(moves.at(-1)).toMatchObject({ previous: main1, current: reverted.commit, reason: 'revert' });
    expect(git(gitDir, 'log', '-1', '--format=%s', 'main')).toBe('Revert "Merge pull request #1 from mcpbox/add-alerts"');
    stop();
    execFileSync('git', [`--git-dir=${gitDir}`, 'fsck', '--strict', '--no-progress']);
  });

  it('closing records the reason; a conflicting PR is refused with paths and stays open', async () => {
    const { gitDir, gateway, admin } = await forgeFixture(temp);
    await gateway.createBranch({ branch: 'mcpbox/a' });
    await gateway.createBranch({ branch: 'mcpbox/b' });
    const path = 'servers/weather/tools/forecast.py';
    await gateway.commitChanges({ branch: 'mcpbox/a', changes: [{ path, content: tool('{"v": "a"}') }], message: 'A' });
    await gateway.commitChanges({ branch: 'mcpbox/b', changes: [{ path, content: tool('{"v": "b"}') }], message: 'B' });
    const a = await gateway.openPullRequest({ branch: 'mcpbox/a', title: 'A', body: '' });
    const b = await gateway.openPullRequest({ branch: 'mcpbox/b', title: 'B', body: '' });
    expect([a.number, b.number]).toEqual([1, 2]);
    await admin.mergePullRequest({ number: a.number });
    const before = git(gitDir, 'rev-parse', 'main');
    const err = await admin.mergePullRequest({ number: b.number }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GitError);
    expect(err).toMatchObject({ code: 'conflict', paths: [path] });
    expect((err as Error).message).toContain(path);
    expect(git(gitDir, 'rev-parse', 'main')).toBe(before);
    expect((await gateway.getPullRequest({ number: b.number })).state).toBe('open');

    const closed = await admin.closePullRequest({ number: b.number, reason: 'Conflicts with #1; rebase and reopen.' });
    expect(closed).toMatchObject({ state: 'closed', closingReason: 'Conflicts with #1; rebase and reopen.', closedBy: adminIdentity });
    await expect(gateway.closePullRequest({ number: b.number, reason: 'again' })).rejects.toMatchObject({ code: 'invalid_state' });
    await expect(gateway.getPullRequest({ number: 99 })).rejects.toMatchObject({ code: 'not_found' });
    await expect(gateway.proposeRevert({ commitOrPr: b.number })).rejects.toMatchObject({ code: 'invalid_state' });
  });

  it('a watcher in the same process sees a local merge once, with its reason', async () => {
    const { gitDir, gateway, admin } = await forgeFixture(temp);
    const seen: MainMoved[] = [];
    const watcher = watchMain(gitDir, (e) => seen.push(e), { pollMs: 0 });
    await watcher.ready;
    try {
      await gateway.createBranch({ branch: 'mcpbox/w' });
      await gateway.commitChanges({ branch: 'mcpbox/w', changes: [{ path: 'w.txt', content: 'w' }], message: 'w' });
      const pr = await gateway.openPullRequest({ branch: 'mcpbox/w', title: 'w', body: '' });
      const merged = await admin.mergePullRequest({ number: pr.number });
      await new Promise((r) => setTimeout(r, 400)); // let the file-system events arrive too
      expect(seen).toHaveLength(1);
      expect(seen[0]).toMatchObject({ current: merged.mergeCommit, reason: 'merge' });
    } finally {
      watcher.close();
    }
  });

  it('validates input with readable messages', async () => {
    const { gateway } = await forgeFixture(temp);
    const err = await gateway.commitChanges({ branch: 'mcpbox/x', changes: [], message: '' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ForgeError);
    expect((err as ForgeError).code).toBe('invalid_input');
    expect((err as ForgeError).message).toMatch(/changes: must contain at least one change/);
    await expect(gateway.openPullRequest({ branch: 'mcpbox/none', title: 't', body: '' })).rejects.toMatchObject({ code: 'not_found' });
    await gateway.createBranch({ branch: 'mcpbox/empty' });
    await expect(gateway.openPullRequest({ branch: 'mcpbox/empty', title: 't', body: '' })).rejects.toMatchObject({ code: 'invalid_state' });
    await expect(gateway.createBranch({ branch: 'mcpbox/empty' })).rejects.toMatchObject({ code: 'conflict' });
    await expect(gateway.setCommitStatus({ sha: 'a'.repeat(40), context: 'x', state: 'success' })).rejects.toMatchObject({ code: 'not_found' });
    await expect(gateway.commitChanges({ branch: 'mcpbox/empty', changes: [{ path: '../../etc/passwd', content: 'x' }], message: 'm' })).rejects.toMatchObject({ code: 'invalid_path' });
  });

  it('pull requests travel with a mirror clone, and plain git merges and pushes work', async () => {
    const { gitDir, gateway } = await forgeFixture(temp);
    await gateway.createBranch({ branch: 'mcpbox/readme' });
    await gateway.commitChanges({ branch: 'mcpbox/readme', changes: [{ path: 'README.md', content: '# tools\n' }], message: 'Readme' });
    await gateway.openPullRequest({ branch: 'mcpbox/readme', title: 'Readme', body: 'why' });
    const mirror = join(temp.root, 'mirror.git');
    execFileSync('git', ['clone', '--quiet', '--mirror', gitDir, mirror]);
    expect(git(mirror, 'show', 'refs/mcpbox/pulls:pulls/1.json')).toContain('"title": "Readme"');
    expect(git(mirror, 'rev-parse', 'refs/pull/1/head')).toBe(git(gitDir, 'rev-parse', 'mcpbox/readme'));

    // An admin merges with plain git in a clone and pushes to main.
    const work = join(temp.root, 'work');
    execFileSync('git', ['clone', '--quiet', gitDir, work]);
    const env = { ...process.env, GIT_AUTHOR_NAME: 'P', GIT_AUTHOR_EMAIL: 'p@x', GIT_COMMITTER_NAME: 'P', GIT_COMMITTER_EMAIL: 'p@x' };
    execFileSync('git', ['merge', '--quiet', '--no-ff', '-m', 'merge readme', 'origin/mcpbox/readme'], { cwd: work, env });
    execFileSync('git', ['push', '--quiet', 'origin', 'HEAD:main'], { cwd: work, env });
    expect(git(gitDir, 'show', 'main:README.md')).toBe('# tools');
  });
});
