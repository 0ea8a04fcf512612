// The gateway's forge must not be able to move main by any write path.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BranchForge } from '../../src/forge/index.ts';
import { mayWrite } from '../../src/forge/index.ts';
import { GitError } from '../../src/git/index.ts';
import { git, tempRepos } from '../git/temp-repo.ts';
import { forgeFixture } from './forge-fixture.ts';

const temp = tempRepos('mcpbox-boundary-');
afterAll(() => temp.cleanup());

const hostile = [
  'main',
  'refs/heads/main',
  'heads/main',
  'HEAD',
  '../main',
  'mcpbox/../main',
  'mcpbox/../../main',
  '-main',
  '--force',
  'mаin', // Cyrillic "а"
  'ｍａｉｎ', // full-width
  'main\u200b', // zero-width space
  'main.lock',
  'Main',
  'MAIN',
  'mcpbox',
  'mcpbox/',
  'origin/main',
  'refs/heads/mcpbox/x',
  'mcpbox/x/../../main',
  'mcpbox//x',
  'mcpbox/x.lock',
  'mcpbox/x\nupdate refs/heads/main 0000',
  'mcpbox/x refs/heads/main',
  'main@{0}',
  '',
];

let gitDir = '';
let gateway: BranchForge;
let main = '';
let change = '';

beforeAll(async () => {
  ({ gitDir, gateway } = await forgeFixture(temp));
  main = git(gitDir, 'rev-parse', 'main');
  await gateway.createBranch({ branch: 'mcpbox/ok' });
  change = (await gateway.commitChanges({ branch: 'mcpbox/ok', changes: [{ path: 'x.txt', content: 'x' }], message: 'x' })).commit;
});

async function refused(work: Promise<unknown>): Promise<void> {
  const err = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, 'the write should have been refused').toBeDefined();
  expect((err as { code?: string }).code).toMatch(/^(forbidden_ref|invalid_ref|invalid_input|not_found)$/);
}

describe('BranchForge cannot write main', () => {
  it('has no merge or revert at all', () => {
    expect('mergePullRequest' in gateway).toBe(false);
    expect('revert' in gateway).toBe(false);
    expect(Object.isFrozen(gateway)).toBe(true);
  });

  it.each(hostile)('createBranch refuses %j', async (branch) => {
    await refused(gateway.createBranch({ branch, from: change }));
  });

  it.each(hostile)('commitChanges refuses %j', async (branch) => {
    await refused(gateway.commitChanges({ branch, changes: [{ path: 'pwned.txt', content: 'x' }], message: 'x' }));
  });

  it.each(hostile)('deleteBranch refuses %j', async (branch) => {
    await refused(gateway.deleteBranch({ branch }));
  });

  it.each(hostile)('proposeRevert onto %j is refused', async (branch) => {
    await refused(gateway.proposeRevert({ commitOrPr: change, branch }));
  });

  it.each(hostile)('openPullRequest from %j is refused', async (branch) => {
    await refused(gateway.openPullRequest({ branch, title: 't', body: '' }));
  });

  it('main and HEAD are untouched after all of it; the refusal says what to do', async () => {
    expect(git(gitDir, 'rev-parse', 'main')).toBe(main);
    expect(git(gitDir, 'symbolic-ref', 'HEAD')).toBe('refs/heads/main');
    expect(git(gitDir, 'for-each-ref', '--format=%(refname)', 'refs/heads/')).toBe('refs/heads/main\nrefs/heads/mcpbox/ok');
    const err = await gateway.createBranch({ branch: 'feature/x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GitError);
    expect(err).toMatchObject({ code: 'forbidden_ref' });
    expect((err as Error).message).toMatch(/mcpbox\/…" and reach main only when an admin merges/);
  });

  it('the scope rule itself: only mcpbox/ branches, PR heads and the PR records', () => {
    for (const ref of ['refs/heads/mcpbox/a', 'refs/pull/3/head', 'refs/mcpbox/pulls']) expect(mayWrite('branch', ref)).toBe(true);
    for (const ref of ['refs/heads/main', 'refs/heads/mcpbox', 'refs/pull/0/head', 'refs/pull/3/merge', 'refs/tags/v1', 'refs/mcpbox/pulls2', 'refs/heads/x/mcpbox/y']) {
      expect(mayWrite('branch', ref)).toBe(false);
    }
  });

  it('no forge module except the scoped writer can reach update-ref', () => {
    const root = join(import.meta.dirname, '../../src/forge');
    const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    const offenders = files.filter((f) => f !== 'ref-writer.ts' && /\bupdateRefs\b|runGit|['"]update-ref['"]|git\/index\.ts/.test(readFileSync(join(root, f), 'utf8')));
    expect(offenders).toEqual([]);
  });
});
