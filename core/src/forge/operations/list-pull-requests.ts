import * as z from 'zod';
import { parseInput } from '../errors.ts';
import { PullRequestStateSchema, type PullRequest } from '../forge.ts';
import { BranchNameSchema, viewPull, type LocalForgeContext } from '../local-context.ts';

export const listPullRequestsInput = z
  .object({
    state: z.union([PullRequestStateSchema, z.literal('all')]).default('all'),
    branch: BranchNameSchema.optional(),
  })
  .default({ state: 'all' });

/** List pull requests, optionally only those in one state or from one branch, oldest first. */
export async function listPullRequests(ctx: LocalForgeContext, raw: unknown): Promise<PullRequest[]> {
  const input = parseInput('listPullRequests', listPullRequestsInput, raw);
  const records = (await (await ctx.pulls.snapshot()).pulls()).filter(
    (p) => (input.state === 'all' || p.state === input.state) && (input.branch === undefined || p.branch === input.branch),
  );
  return Promise.all(records.map((r) => viewPull(ctx, r)));
}
