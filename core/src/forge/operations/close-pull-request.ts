import * as z from 'zod';
import { tryResolveCommit } from '../../git/resolve.ts';
import { branchRef } from '../../git/validate.ts';
import { parseInput } from '../errors.ts';
import { IdentitySchema, type PullRecord, type PullRequest } from '../forge.ts';
import { PullNumberSchema, pullRef, requireOpen, viewPull, type LocalForgeContext } from '../local-context.ts';
import { pullPath, recordFile } from '../pull-store.ts';

export const closePullRequestInput = z.object({
  number: PullNumberSchema,
  /** Why it was closed unmerged; becomes the rejection reason the LLM sees. */
  reason: z.string().trim().min(1).max(65_000),
  author: IdentitySchema.optional(),
});

/** Close an open pull request without merging it; the reason is recorded as the closing comment. */
export async function closePullRequest(ctx: LocalForgeContext, raw: unknown): Promise<PullRequest> {
  const input = parseInput('closePullRequest', closePullRequestInput, raw);
  const record = await ctx.pulls.transact(async (snapshot) => {
    const current = await requireOpen(snapshot, input.number);
    const head = await tryResolveCommit(ctx.gitDir, branchRef(current.branch));
    const who = input.author ?? ctx.identity;
    const now = ctx.now();
    const next: PullRecord = {
      ...current,
      state: 'closed',
      closingReason: input.reason,
      closedBy: who,
      updatedAt: now,
      comments: [...current.comments, { author: who, body: input.reason, createdAt: now }],
    };
    return {
      files: [recordFile(pullPath(input.number), next)],
      message: `Close pull request #${input.number}`,
      // Freeze the head the PR was closed at; the branch may live on or be deleted.
      alsoUpdate: head === undefined ? [] : [{ ref: pullRef(input.number), next: head, expected: undefined }],
      result: next,
    };
  });
  return viewPull(ctx, record);
}
