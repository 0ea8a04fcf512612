// Shared by `revert` (admin, onto main) and `proposeRevert` (gateway, onto a new branch): find the
// commit a "commit or PR" names, and build the revert commit on top of a given head.
import { isGitError } from '../git/errors.ts';
import { revertTree } from '../git/merge.ts';
import { commitSubject, resolveCommit } from '../git/resolve.ts';
import type { GitIdentity } from '../git/validate.ts';
import { commitTree } from '../git/write-commit.ts';
import { ForgeError } from './errors.ts';
import type { LocalForgeContext } from './local-context.ts';

export interface RevertTarget {
  commit: string;
  subject: string;
  pull?: number;
}

export async function resolveRevertTarget(ctx: LocalForgeContext, commitOrPr: string | number): Promise<RevertTarget> {
  const pullNumber = typeof commitOrPr === 'number' ? commitOrPr : commitOrPr.startsWith('#') ? Number(commitOrPr.slice(1)) : undefined;
  if (pullNumber !== undefined) {
    const record = await (await ctx.pulls.snapshot()).pull(pullNumber);
    if (record.state !== 'merged' || record.mergeCommit === undefined) {
      throw new ForgeError('invalid_state', `Pull request #${pullNumber} was not merged, so there is nothing on main to revert.`);
    }
    return { commit: record.mergeCommit, subject: await commitSubject(ctx.gitDir, record.mergeCommit), pull: pullNumber };
  }
  const commit = await resolveCommit(ctx.gitDir, String(commitOrPr));
  return { commit, subject: await commitSubject(ctx.gitDir, commit) };
}

/** A commit on `head` undoing `target` (mainline 1 for merges: what the PR brought in). */
export async function buildRevertCommit(ctx: LocalForgeContext, target: RevertTarget, head: string, author: GitIdentity, message?: string): Promise<string> {
  const { tree } = await revertTree(ctx.gitDir, target.commit, head);
  const trailers: Record<string, string> = { 'Mcpbox-Reverts': target.commit };
  if (target.pull !== undefined) trailers['Mcpbox-Pull-Request'] = String(target.pull);
  return commitTree(ctx.gitDir, {
    tree,
    parents: [head],
    message: message ?? `Revert "${target.subject}"\n\nThis reverts commit ${target.commit}.`,
    trailers,
    author,
    committer: ctx.identity,
  });
}

/** Builds on the current head of `ref` and publishes with CAS, rebuilding when another writer wins. */
export async function landOnRef(ctx: LocalForgeContext, ref: string, build: (head: string) => Promise<string>, reason: string): Promise<{ commit: string; previous: string }> {
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    const head = await resolveCommit(ctx.gitDir, ref);
    const commit = await build(head);
    try {
      await ctx.writeRefs([{ ref, next: commit, expected: head }], reason);
      return { commit, previous: head };
    } catch (err) {
      if (!(isGitError(err, 'conflict') || isGitError(err, 'locked')) || Date.now() - started > 30_000) throw err;
      await new Promise((r) => setTimeout(r, Math.min(200, 5 * 2 ** Math.min(attempt, 5)) * (0.5 + Math.random())));
    }
  }
}
