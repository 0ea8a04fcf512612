import * as z from 'zod';
import { parseInput } from '../errors.ts';
import { IdentitySchema, type PullRecord, type PullRequest } from '../forge.ts';
import { PullNumberSchema, viewPull, type LocalForgeContext } from '../local-context.ts';
import { pullPath, recordFile } from '../pull-store.ts';

export const commentPullRequestInput = z.object({
  number: PullNumberSchema,
  body: z.string().trim().min(1).max(65_000),
  author: IdentitySchema.optional(),
});

/** Add a comment to a pull request (any state). */
export async function commentPullRequest(ctx: LocalForgeContext, raw: unknown): Promise<PullRequest> {
  const input = parseInput('commentPullRequest', commentPullRequestInput, raw);
  const record = await ctx.pulls.transact(async (snapshot) => {
    const current = await snapshot.pull(input.number);
    const now = ctx.now();
    const next: PullRecord = { ...current, updatedAt: now, comments: [...current.comments, { author: input.author ?? ctx.identity, body: input.body, createdAt: now }] };
    return { files: [recordFile(pullPath(input.number), next)], message: `Comment on pull request #${input.number}`, result: next };
  });
  return viewPull(ctx, record);
}
