import * as z from 'zod';
import { mergeTrees } from '../../git/merge.ts';
import { resolveCommit, tryResolveCommit } from '../../git/resolve.ts';
import { branchRef } from '../../git/validate.ts';
import { commitTree } from '../../git/write-commit.ts';
import { announceMainMoved } from '../../repo/main-events.ts';
import { ForgeError, parseInput } from '../errors.ts';
import type { PullRecord, PullRequest } from '../forge.ts';
import { PullNumberSchema, pullRef, requireOpen, type LocalForgeContext } from '../local-context.ts';
import { pullPath, recordFile } from '../pull-store.ts';

export const mergePullRequestInput = z.object({
  number: PullNumberSchema,
  /** Extra text for the merge commit message. */
  message: z.string().max(16_000).optional(),
});

export const mergePullRequestDescription =
  'Merge an open pull request into main with a real --no-ff merge commit by the admin. Main, the PR record and refs/pull/<n>/head move in one transaction.';

const MAIN = 'refs/heads/main';

export async function mergePullRequest(ctx: LocalForgeContext, raw: unknown): Promise<PullRequest> {
  const input = parseInput('mergePullRequest', mergePullRequestInput, raw);
  let moved: { previous: string; current: string } | undefined;
  const result = await ctx.pulls.transact(async (snapshot) => {
    const record = await requireOpen(snapshot, input.number);
    const head = (await tryResolveCommit(ctx.gitDir, branchRef(record.branch))) ?? (await tryResolveCommit(ctx.gitDir, pullRef(record.number)));
    if (head === undefined) throw new ForgeError('invalid_state', `The branch ${record.branch} of pull request #${record.number} no longer exists; close the pull request instead.`);
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
