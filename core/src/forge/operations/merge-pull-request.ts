import * as z from 'zod';
import { mergeTrees } from '../../git/merge.ts';
import { resolveCommit, tryResolveCommit } from '../../git/resolve.ts';
import { branchRef } from '../../git/validate.ts';
import { commitTree } from '../../git/write-commit.ts';
import { announceMainMoved } from '../../repo/main-events.ts';
import { ForgeError, HeadMovedError, parseInput } from '../errors.ts';
import type { PullRecord, PullRequest } from '../forge.ts';
import { PullNumberSchema, pullRef, requireOpen, ShaSchema, type LocalForgeContext } from '../local-context.ts';
import { pullPath, recordFile } from '../pull-store.ts';

export const mergePullRequestInput = z.object({
  number: PullNumberSchema,
  /** Extra text for the merge commit message. */
  message: z.string().max(16_000).optional(),
  /**
   * The head the reviewer saw. When given, the merge is refused (HeadMovedError) unless the branch
   * is exactly there, checked inside the same ref transaction that moves main.
   */
  expectedHead: ShaSchema.optional(),
});

const MAIN = 'refs/heads/main';

/**
 * Merge an open pull request into main with a real --no-ff merge commit by the admin. Main, the PR
 * record and refs/pull/<n>/head move in one transaction.
 */
export async function mergePullRequest(ctx: LocalForgeContext, raw: unknown): Promise<PullRequest> {
  const input = parseInput('mergePullRequest', mergePullRequestInput, raw);
  let moved: { previous: string; current: string } | undefined;
  const result = await ctx.pulls.transact(async (snapshot) => {
    const record = await requireOpen(snapshot, input.number);
    const branchHead = await tryResolveCommit(ctx.gitDir, branchRef(record.branch));
    const head = branchHead ?? (await tryResolveCommit(ctx.gitDir, pullRef(record.number)));
    if (head === undefined) throw new ForgeError('invalid_state', `The branch ${record.branch} of pull request #${record.number} no longer exists; close the pull request instead.`);
    if (input.expectedHead !== undefined && head !== input.expectedHead) throw new HeadMovedError(record.number, input.expectedHead, head);
    const base = await resolveCommit(ctx.gitDir, MAIN);
    const tree = await mergeTrees(ctx.gitDir, base, head, `Pull request #${record.number}`);
    const merge = await commitTree(ctx.gitDir, {
      tree,
      parents: [base, head],
      message: `Merge pull request #${record.number} from ${record.branch}\n\n${record.title}${input.message ? `\n\n${input.message}` : ''}`,
      trailers: { 'Mcpbox-Pull-Request': String(record.number), 'Mcpbox-Kind': record.kind },
      author: ctx.identity,
      committer: ctx.identity,
    });
    const now = ctx.now();
    const next: PullRecord = { ...record, state: 'merged', mergeCommit: merge, mergedBy: ctx.identity, updatedAt: now };
    return {
      files: [recordFile(pullPath(record.number), next)],
      message: `Merge pull request #${record.number}`,
      alsoUpdate: [
        { ref: MAIN, next: merge, expected: base },
        { ref: pullRef(record.number), next: head, expected: undefined },
        // The branch must still be where it was read: a push between that read and this update
        // fails the whole transaction, and the retry reads the new head (refused above if a head
        // was expected), so a commit nobody reviewed is never merged with it.
        ...(branchHead === undefined ? [] : [{ ref: branchRef(record.branch), next: branchHead, expected: branchHead }]),
      ],
      result: { ...next, head },
      afterCommit: () => {
        moved = { previous: base, current: merge };
      },
    };
  });
  if (moved) announceMainMoved({ gitDir: ctx.gitDir, ...moved, reason: 'merge' });
  return result;
}
