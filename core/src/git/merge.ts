// Merging and reverting in a bare repo, without a work tree or index.
// Merge: `merge-tree --write-tree` (git ≥ 2.38) gives the merged tree or the conflicting paths.
// Revert: git 2.39's merge-tree cannot take an explicit merge base, so we build a scratch commit X
// whose parent is the commit C to undo and whose tree is C's parent's tree. The merge base of
// (target, X) is then exactly C, and merging X into the target is a real 3-way revert with
// content-level merging. X is never referenced and is pruned by gc.
import { GitError } from './errors.ts';
import { commitParents, isAncestor } from './resolve.ts';
import { runGit } from './runner.ts';
import { assertSha } from './validate.ts';
import { commitTree, commitTreeId } from './write-commit.ts';

/** The merged tree of two commits; a `conflict` GitError listing paths when they do not merge cleanly. */
export async function mergeTrees(gitDir: string, ours: string, theirs: string, what = 'The merge'): Promise<string> {
  const { stdout, code } = await runGit(gitDir, ['merge-tree', '--write-tree', '-z', '--name-only', '--no-messages', '--end-of-options', assertSha(ours), assertSha(theirs)], {
    okCodes: [0, 1],
  });
  const fields = stdout.toString('utf8').split('\0');
  const tree = assertSha(fields[0] ?? '', 'merged tree id');
  if (code === 0) return tree;
  const paths: string[] = [];
  for (const field of fields.slice(1)) {
    if (field === '') break;
    if (!paths.includes(field)) paths.push(field);
  }
  throw new GitError('conflict', `${what} has conflicts in ${paths.join(', ') || 'some files'}. Update the branch so it applies cleanly on main, then try again.`, { paths });
}

/** The tree `target` would have after reverting `commit` (relative to its parent number `mainline`). */
export async function revertTree(gitDir: string, commit: string, target: string, mainline?: number): Promise<{ tree: string; parent: string }> {
  const parents = await commitParents(gitDir, assertSha(commit));
  if (parents.length === 0) throw new GitError('invalid_argument', 'The first commit of the repository cannot be reverted.');
  if (parents.length > 1 && mainline === undefined) mainline = 1; // a PR merge: undo what the PR brought into main
  const index = (mainline ?? 1) - 1;
  const parent = parents[index];
  if (parent === undefined) throw new GitError('invalid_argument', `The commit ${commit.slice(0, 12)} has no parent number ${mainline}.`);
  if (!(await isAncestor(gitDir, commit, assertSha(target)))) {
    throw new GitError('not_found', `The commit ${commit.slice(0, 12)} is not part of the branch being reverted.`);
  }
  const parentTree = await commitTreeId(gitDir, parent);
  if (commit === target) return { tree: parentTree, parent };
  const scratchIdentity = { name: 'mcpbox', email: 'mcpbox@localhost' };
  const inverse = await commitTree(gitDir, { tree: parentTree, parents: [commit], message: `scratch: inverse of ${commit}`, author: scratchIdentity, committer: scratchIdentity });
  const tree = await mergeTrees(gitDir, target, inverse, `Reverting ${commit.slice(0, 12)}`);
  return { tree, parent };
}
