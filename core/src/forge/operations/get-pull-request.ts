import * as z from 'zod';
import { parseInput } from '../errors.ts';
import type { PullRequest } from '../forge.ts';
import { PullNumberSchema, viewPull, type LocalForgeContext } from '../local-context.ts';

export const getPullRequestInput = z.object({ number: PullNumberSchema });

/** Get one pull request with its comments, state and head commit. */
export async function getPullRequest(ctx: LocalForgeContext, raw: unknown): Promise<PullRequest> {
  const input = parseInput('getPullRequest', getPullRequestInput, raw);
  return viewPull(ctx, await (await ctx.pulls.snapshot()).pull(input.number));
}
