// Merging what was reviewed: the admin forge records the head a review displayed, and a merge given
// an expected head refuses with a typed HeadMovedError (main, the record and the branch untouched)
// when the branch is elsewhere.
import { afterAll, describe, expect, it } from 'vitest';
import { HeadMovedError } from '../../src/forge/index.ts';
import { git, tempRepos } from '../git/temp-repo.ts';
import { adminIdentity, forgeFixture } from './forge-fixture.ts';

const temp = tempRepos('mcpbox-forge-head-');
afterAll(() => temp.cleanup());

describe('merge with an expected head', () => {
  it('records the shown head, refuses a moved branch with both heads, then merges exactly the expected one', async () => {
    const { gitDir, gateway, admin } = await forgeFixture(temp);
    const main0 = git(gitDir, 'rev-parse', 'main');
    await gateway.createBranch({ branch: 'mcpbox/x' });
    const c1 = await gateway.commitChanges({ branch: 'mcpbox/x', changes: [{ path: 'servers/weather/tools/a.py', content: 'async def main() -> dict:\n    return {}\n' }], message: 'Add a' });
    const pr = await gateway.openPullRequest({ branch: 'mcpbox/x', title: 'Add a', body: '' });
    const shown = await admin.recordShownHead({ number: pr.number, head: c1.commit });
    expect(shown.shownHead).toMatchObject({ sha: c1.commit, by: adminIdentity });
    // The gateway's later writes keep the record of what was shown.
    await gateway.commentPullRequest({ number: pr.number, body: 'more' });
    expect((await gateway.getPullRequest({ number: pr.number })).shownHead?.sha).toBe(c1.commit);

    const c2 = await gateway.commitChanges({ branch: 'mcpbox/x', changes: [{ path: 'servers/weather/tools/b.py', content: 'async def main() -> dict:\n    return {}\n' }], message: 'Add b unseen' });
    const err = await admin.mergePullRequest({ number: pr.number, expectedHead: c1.commit }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HeadMovedError);
    expect(err).toMatchObject({ code: 'head_moved', number: pr.number, expected: c1.commit, actual: c2.commit });
    expect((err as Error).message).toBe(`Pull request #${pr.number} moved from ${c1.commit.slice(0, 12)} to ${c2.commit.slice(0, 12)} since it was reviewed; nothing was merged. Review it again and merge the new head.`);
    expect(git(gitDir, 'rev-parse', 'main')).toBe(main0);
    expect(git(gitDir, 'rev-parse', 'mcpbox/x')).toBe(c2.commit);
    expect((await admin.getPullRequest({ number: pr.number })).state).toBe('open');

    const merged = await admin.mergePullRequest({ number: pr.number, expectedHead: c2.commit });
    expect(merged).toMatchObject({ state: 'merged', head: c2.commit });
    expect(git(gitDir, 'rev-parse', 'main^2')).toBe(c2.commit);
  });

  it('the branch forge has no way to record a shown head', async () => {
    const { gateway } = await forgeFixture(temp);
    expect('recordShownHead' in gateway).toBe(false);
    expect('mergePullRequest' in gateway).toBe(false);
  });
});
