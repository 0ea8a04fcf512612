// Git work the remote forges do on the mirror: reading a ref's files, and turning "revert this
// commit" into whole-file changes a forge API can commit (neither GitHub's REST API nor Gitea's
// has a revert). The revert itself is git's: a real 3-way merge in the mirror (see git/merge.ts).
import { ForgeError, parseInput } from '../forge/errors.ts';
import type { BranchForge, FileChangeInput, RevertResponse } from '../forge/forge.ts';
import { proposeRevertInput } from '../forge/operations/propose-revert.ts';
import { commitSubject, resolveCommit } from '../git/resolve.ts';
import { diffTree } from '../git/diff-tree.ts';
import { listTree, readBlobs } from '../git/read-tree.ts';
import { revertTree } from '../git/merge.ts';
import { commitTree } from '../git/write-commit.ts';
import { pullNumberOf } from './mirror-forge.ts';
import type { RepoMirror } from './mirror.ts';

const SCRATCH = { name: 'mcpbox', email: 'mcpbox@localhost' };

/** The file changes that revert `commit` on top of `head` (mainline 1 for merges). */
async function revertChanges(gitDir: string, commit: string, head: string): Promise<FileChangeInput[]> {
  const { tree } = await revertTree(gitDir, commit, head);
  // diff-tree compares commits: wrap the tree in an unreferenced scratch commit (pruned by gc).
  const scratch = await commitTree(gitDir, { tree, parents: [head], message: 'scratch: revert preview', author: SCRATCH, committer: SCRATCH });
  const changes = await diffTree(gitDir, head, scratch);
  const blobOf = new Map((await listTree(gitDir, scratch)).map((e) => [e.path, e.blob]));
  const blobs = await readBlobs(gitDir, changes.flatMap((c) => (c.status === 'deleted' ? [] : [blobOf.get(c.path)!])));
  return changes.map((c) => ({
    path: c.path,
    content: c.status === 'deleted' ? null : (blobs.get(blobOf.get(c.path)!)?.toString('utf8') ?? ''),
  }));
}

/**
 * A revert pull-request branch on a remote forge: git computes the revert in the mirror (a real
 * 3-way merge), the forge API receives it as ordinary file changes on a new mcpbox/ branch.
 */
export async function proposeRevertOnForge(forge: Pick<BranchForge, 'getPullRequest' | 'createBranch' | 'commitChanges'>, mirror: RepoMirror, raw: unknown): Promise<RevertResponse> {
  const input = parseInput('proposeRevert', proposeRevertInput, raw);
  const main = await mirror.fetch();
  const number = pullNumberOf(input.commitOrPr);
  let target: string;
  if (number !== undefined) {
    const pull = await forge.getPullRequest({ number });
    if (pull.state !== 'merged' || pull.mergeCommit === undefined) {
      throw new ForgeError('invalid_state', `Pull request #${number} was not merged, so there is nothing on main to revert.`);
    }
    target = pull.mergeCommit;
  } else {
    target = await resolveCommit(mirror.gitDir, String(input.commitOrPr));
  }
  const changes = await revertChanges(mirror.gitDir, target, main);
  if (changes.length === 0) throw new ForgeError('invalid_state', `Main already has none of ${target.slice(0, 12)}'s changes; there is nothing to revert.`);
  const branch = input.branch ?? `mcpbox/revert-${target.slice(0, 12)}`;
  await forge.createBranch({ branch, from: main });
  const subject = await commitSubject(mirror.gitDir, target);
  const trailers: Record<string, string> = { 'Mcpbox-Reverts': target };
  if (number !== undefined) trailers['Mcpbox-Pull-Request'] = String(number);
  const result = await forge.commitChanges({
    branch,
    changes,
    message: `Revert "${subject}"\n\nThis reverts commit ${target}.`,
    trailers,
    expectedHead: main,
    ...(input.author ? { author: input.author } : {}),
  });
  return { reverted: target, commit: result.commit, branch };
}
