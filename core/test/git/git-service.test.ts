import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  assertRefName,
  assertRepoPath,
  assertRevision,
  branchRef,
  commitChanges,
  commitTree,
  diffTree,
  fileHistory,
  GitError,
  listRefs,
  mergeTrees,
  readTree,
  resolveCommit,
  revertTree,
  updateRefs,
  writeCommitObject,
  type RefWriter,
} from '../../src/git/index.ts';
import { git, tempRepos } from './temp-repo.ts';

const repos = tempRepos();
afterAll(() => repos.cleanup());

const alice = { name: 'Alice', email: 'alice@example.org' };
const write: RefWriter = (updates, reason) => updateRefs(gitDirForWriter, updates, reason);
let gitDirForWriter = '';

async function commitOn(gitDir: string, ref: string, parent: string | null, files: Record<string, string | null>, message = 'change'): Promise<string> {
  const sha = await writeCommitObject(gitDir, {
    parent,
    changes: Object.entries(files).map(([path, content]) => ({ path, content })),
    message,
    author: alice,
    committer: alice,
  });
  await updateRefs(gitDir, [{ ref, next: sha, expected: parent === null ? null : (await listRefs(gitDir, ref))[0]?.sha ?? null }]);
  return sha;
}

async function codeOf(error: Promise<unknown>): Promise<string> {
  try {
    await error;
  } catch (err) {
    expect(err).toBeInstanceOf(GitError);
    return (err as GitError).code;
  }
  return 'resolved';
}

describe('argument validation', () => {
  const badRefs = ['refs/heads/../x', 'refs/heads/-x', '-refs/heads/x', 'refs/heads/x.lock', 'refs/heads/.x', 'refs/heads//x', 'refs/heads/x/', 'refs/heads/x y', 'refs/heads/x~1', 'refs/heads/x^', 'refs/heads/x:y', 'refs/heads/x@{1}', 'refs/heads/mаin' /* Cyrillic a */, 'refs/heads/x\u0000', 'refs/heads/x\n', 'main', 'HEAD', `refs/heads/${'a'.repeat(250)}`];
  it.each(badRefs)('refuses ref %j', (ref) => {
    expect(() => assertRefName(ref)).toThrowError(GitError);
  });

  it('accepts what it accepts only if git accepts it too', () => {
    for (const ref of ['refs/heads/main', 'refs/heads/mcpbox/add-forecast', 'refs/pull/12/head', 'refs/mcpbox/pulls', 'refs/heads/a_b.c-d']) {
      expect(assertRefName(ref)).toBe(ref);
      expect(() => execFileSync('git', ['check-ref-format', ref])).not.toThrow();
    }
  });

  it('never accepts a ref git itself would refuse (random names)', () => {
    const alphabet = ['a', 'b', 'c', 'x', 'Z', '0', '9', 'lock', '.', '.', '/', '/', '-', '_', '@', '{', '~', '^', ':', ' ', '\\', '*', '?', '[', 'é'];
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed / 2 ** 31);
    let accepted = 0;
    for (let i = 0; i < 300; i++) {
      let name = 'refs/heads/';
      const length = 1 + Math.floor(random() * 6);
      for (let j = 0; j < length; j++) name += alphabet[Math.floor(random() * alphabet.length)];
      let ours = true;
      try {
        assertRefName(name);
      } catch {
        ours = false;
      }
      if (!ours) continue;
      accepted++;
      expect(() => execFileSync('git', ['check-ref-format', name], { stdio: 'pipe' }), name).not.toThrow();
    }
    expect(accepted).toBeGreaterThan(10);
  });

  it('refuses branch names that are refs, HEAD or option-like', () => {
    expect(branchRef('mcpbox/x')).toBe('refs/heads/mcpbox/x');
    for (const b of ['refs/heads/main', 'HEAD', '--force', '-x', 'a..b', 'mcpbox/ x', '']) {
      expect(() => branchRef(b)).toThrowError(GitError);
    }
  });

  it.each(['../x', '/etc/passwd', 'a/../../b', '.git/config', 'x/.GIT/hooks', 'a//b', 'a\\b', 'C:/x', 'a/./b', 'a\nb', '.git. /x', ''])('refuses path %j', (path) => {
    expect(() => assertRepoPath(path)).toThrowError(GitError);
  });

  it('accepts ordinary repo paths, including .github', () => {
    for (const p of ['servers/weather/tools/forecast.py', '.github/workflows/validate.yaml', 'a b/"q".txt', 'données/é.md']) expect(assertRepoPath(p)).toBe(p);
  });

  it('refuses revisions that would be read as options or extended syntax', () => {
    for (const rev of ['--output=/tmp/x', '-p', 'main@{1}', 'main:path', ':/fix', 'main..x']) expect(() => assertRevision(rev)).toThrowError(GitError);
    for (const rev of ['main', 'refs/heads/main', 'HEAD~2', 'main^2', 'a'.repeat(40)]) expect(assertRevision(rev)).toBe(rev);
  });
});

describe('reading', () => {
  const dir = repos.bare();
  let first = '';
  let second = '';

  it('writes a commit without a work tree and reads the whole tree back with blob ids', async () => {
    first = await commitOn(dir, 'refs/heads/main', null, { 'mcpbox.yaml': 'apiVersion: mcpbox/v1\n', 'servers/w/tools/f.py': 'async def main():\n    return 1\n', 'a b/"q".txt': 'quoted', 'données/é.md': 'ünï' });
    const { commit, files } = await readTree(dir, 'refs/heads/main');
    expect(commit).toBe(first);
    expect(files.map((f) => f.path).sort()).toEqual(['a b/"q".txt', 'données/é.md', 'mcpbox.yaml', 'servers/w/tools/f.py']);
    const f = files.find((x) => x.path === 'servers/w/tools/f.py');
    expect(f?.content).toBe('async def main():\n    return 1\n');
    expect(f?.blob).toBe(git(dir, 'rev-parse', 'main:servers/w/tools/f.py'));
    expect(files.find((x) => x.path === 'données/é.md')?.content).toBe('ünï');
    expect(git(dir, 'log', '-1', '--format=%an <%ae>', 'main')).toBe('Alice <alice@example.org>');
  });

  it('diffs two revisions and lists a file history', async () => {
    second = await commitOn(dir, 'refs/heads/main', first, { 'mcpbox.yaml': 'apiVersion: mcpbox/v1\ndefaults: {}\n', 'a b/"q".txt': null, 'new.txt': 'n' }, 'second\n\nbody');
    const changes = await diffTree(dir, first, 'main');
    expect(changes).toEqual(
      expect.arrayContaining([
        { path: 'mcpbox.yaml', status: 'modified' },
        { path: 'a b/"q".txt', status: 'deleted' },
        { path: 'new.txt', status: 'added' },
      ]),
    );
    expect(changes).toHaveLength(3);
    const history = await fileHistory(dir, 'mcpbox.yaml');
    expect(history.map((h) => h.commit)).toEqual([second, first]);
    expect(history[0]).toMatchObject({ author: 'Alice', email: 'alice@example.org', message: 'second\n\nbody' });
    expect(history[0]?.date).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(await fileHistory(dir, 'new.txt')).toHaveLength(1);
    // pathspec magic is not interpreted: "*" matches only a file literally named "*"
    expect(await fileHistory(dir, '*')).toEqual([]);
    expect(await fileHistory(dir, ':(glob)**')).toEqual([]);
  });

  it('gives typed errors for missing revisions and missing repositories', async () => {
    expect(await codeOf(resolveCommit(dir, 'refs/heads/nope'))).toBe('not_found');
    expect(await codeOf(readTree(dir, 'b'.repeat(40)))).toBe('not_found');
    expect(await codeOf(readTree(join(repos.root, 'absent.git'), 'main'))).toBe('repo_missing');
    expect(await codeOf(readTree(dir, '--output=/tmp/pwned'))).toBe('invalid_ref');
  });
});

describe('writing with compare-and-swap', () => {
  const dir = repos.bare();

  it('refuses a ref update whose expected value is stale, and creation of an existing ref', async () => {
    const a = await commitOn(dir, 'refs/heads/main', null, { x: '1' });
    const b = await writeCommitObject(dir, { parent: a, changes: [{ path: 'x', content: '2' }], message: 'b', author: alice, committer: alice });
    const c = await writeCommitObject(dir, { parent: a, changes: [{ path: 'x', content: '3' }], message: 'c', author: alice, committer: alice });
    await updateRefs(dir, [{ ref: 'refs/heads/main', next: b, expected: a }]);
    expect(await codeOf(updateRefs(dir, [{ ref: 'refs/heads/main', next: c, expected: a }]))).toBe('conflict');
    expect(await codeOf(updateRefs(dir, [{ ref: 'refs/heads/main', next: c, expected: null }]))).toBe('conflict');
    expect(git(dir, 'rev-parse', 'main')).toBe(b);
    // A transaction is all or nothing.
    expect(await codeOf(updateRefs(dir, [{ ref: 'refs/heads/other', next: c, expected: null }, { ref: 'refs/heads/main', next: c, expected: a }]))).toBe('conflict');
    expect(await listRefs(dir, 'refs/heads/other')).toEqual([]);
  });

  it('commitChanges: expectedHead conflicts when moved; without it retries onto the fresh head', async () => {
    gitDirForWriter = dir;
    const head = git(dir, 'rev-parse', 'main');
    const base = { ref: 'refs/heads/main', author: alice, committer: alice };
    const one = await commitChanges(dir, write, { ...base, changes: [{ path: 'one', content: '1' }], message: 'one', expectedHead: head, trailers: { 'Mcpbox-Tool': 'w__f' } });
    expect(one.parent).toBe(head);
    expect(git(dir, 'log', '-1', '--format=%(trailers:key=Mcpbox-Tool,valueonly)', 'main')).toBe('w__f');
    expect(await codeOf(commitChanges(dir, write, { ...base, changes: [{ path: 'two', content: '2' }], message: 'two', expectedHead: head }))).toBe('conflict');
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => commitChanges(dir, write, { ...base, changes: [{ path: `files/${i}`, content: `${i}` }], message: `writer ${i}` })));
    expect(new Set(results.map((r) => r.commit)).size).toBe(20);
    const { files } = await readTree(dir, 'main');
    expect(files.filter((f) => f.path.startsWith('files/'))).toHaveLength(20);
    execFileSync('git', [`--git-dir=${dir}`, 'fsck', '--strict']);
  });

  it('a held ref lock is reported as locked; a writer without expectedHead waits it out', async () => {
    gitDirForWriter = dir;
    const head = git(dir, 'rev-parse', 'main');
    const lock = join(dir, 'refs', 'heads', 'main.lock');
    writeFileSync(lock, `${head}\n`);
    try {
      expect(await codeOf(updateRefs(dir, [{ ref: 'refs/heads/main', next: head, expected: head }]))).toBe('locked');
      const pending = commitChanges(dir, write, { ref: 'refs/heads/main', changes: [{ path: 'after-lock', content: 'x' }], message: 'after lock', author: alice, committer: alice });
      setTimeout(() => rmSync(lock, { force: true }), 300);
      const result = await pending;
      expect(result.retries).toBeGreaterThan(0);
      expect(git(dir, 'rev-parse', 'main')).toBe(result.commit);
    } finally {
      rmSync(lock, { force: true });
    }
  });

  it('refuses bad messages, identities, duplicate and hostile paths before git runs', async () => {
    const head = git(dir, 'rev-parse', 'main');
    const bad = (over: object) => writeCommitObject(dir, { parent: head, changes: [{ path: 'ok', content: 'x' }], message: 'm', author: alice, committer: alice, ...over });
    expect(await codeOf(bad({ message: '  ' }))).toBe('invalid_argument');
    expect(await codeOf(bad({ author: { name: 'Eve <x@y>\ncommitter Mallory', email: 'e@x' } }))).toBe('invalid_argument');
    expect(await codeOf(bad({ changes: [{ path: 'a', content: '1' }, { path: 'a', content: '2' }] }))).toBe('invalid_argument');
    expect(await codeOf(bad({ changes: [{ path: '../escape', content: '1' }] }))).toBe('invalid_path');
    expect(await codeOf(bad({ changes: [{ path: '.git/hooks/post-update', content: '1' }] }))).toBe('invalid_path');
    expect(await codeOf(bad({ trailers: { 'Bad Key': 'v' } }))).toBe('invalid_argument');
  });
});

describe('merge and revert in a bare repo', () => {
  const dir = repos.bare();

  it('merges cleanly, reports conflicting paths, and reverts a non-tip merge with a 3-way merge', async () => {
    const base = await commitOn(dir, 'refs/heads/main', null, { 'a.txt': 'a\nb\nc\nd\ne\nf\n', 'keep.txt': 'k' });
    const feature = await commitOn(dir, 'refs/heads/feature', null, {}); // placeholder replaced below
    await updateRefs(dir, [{ ref: 'refs/heads/feature', next: base, expected: feature }]);
    const f1 = await commitOn(dir, 'refs/heads/feature', base, { 'a.txt': 'A\nb\nc\nd\ne\nf\n', 'tool.py': 'x = 1\n' });
    const m1 = await commitOn(dir, 'refs/heads/main', base, { 'keep.txt': 'k2' });

    const tree = await mergeTrees(dir, m1, f1);
    const merge = await commitTree(dir, { tree, parents: [m1, f1], message: 'Merge feature', author: alice, committer: alice });
    await updateRefs(dir, [{ ref: 'refs/heads/main', next: merge, expected: m1 }]);
    expect(git(dir, 'show', 'main:a.txt')).toBe('A\nb\nc\nd\ne\nf');
    expect(git(dir, 'show', 'main:keep.txt')).toBe('k2');

    // a later commit touching the same file in a different hunk: the revert must keep it
    const later = await commitOn(dir, 'refs/heads/main', merge, { 'a.txt': 'A\nb\nc\nd\ne\nF\n' });
    const { tree: reverted, parent } = await revertTree(dir, merge, later);
    expect(parent).toBe(m1);
    const rc = await commitTree(dir, { tree: reverted, parents: [later], message: 'Revert', author: alice, committer: alice });
    expect(git(dir, 'show', `${rc}:a.txt`)).toBe('a\nb\nc\nd\ne\nF');
    expect(git(dir, 'ls-tree', '--name-only', rc)).not.toContain('tool.py');
    expect(git(dir, 'show', `${rc}:keep.txt`)).toBe('k2');

    // conflicting change on both sides
    const c1 = await commitOn(dir, 'refs/heads/c1', null, {});
    await updateRefs(dir, [{ ref: 'refs/heads/c1', next: later, expected: c1 }]);
    const side = await commitOn(dir, 'refs/heads/c1', later, { 'a.txt': 'conflict\n', 'keep.txt': 'x' });
    const mainSide = await commitOn(dir, 'refs/heads/main', later, { 'a.txt': 'other\n' });
    try {
      await mergeTrees(dir, mainSide, side);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(GitError);
      expect((err as GitError).code).toBe('conflict');
      expect((err as GitError).paths).toEqual(['a.txt']);
      expect((err as GitError).message).toContain('a.txt');
    }
    // reverting the merge now conflicts too (a.txt was rewritten on top of it)
    expect(await codeOf(revertTree(dir, merge, mainSide))).toBe('conflict');
    expect(await codeOf(revertTree(dir, side, mainSide))).toBe('not_found');
  });
});
