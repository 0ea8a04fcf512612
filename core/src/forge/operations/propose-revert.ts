import * as z from 'zod';
import { resolveCommit } from '../../git/resolve.ts';
import { branchRef } from '../../git/validate.ts';
import { parseInput } from '../errors.ts';
import { IdentitySchema, type RevertResponse } from '../forge.ts';
import { BranchNameSchema, CommitOrPullSchema, type LocalForgeContext } from '../local-context.ts';
import { buildRevertCommit, resolveRevertTarget } from '../revert-service.ts';

export const proposeRevertInput = z.object({
  commitOrPr: CommitOrPullSchema,
  /** Defaults to mcpbox/revert-<first 12 characters of the commit>. */
  branch: BranchNameSchema.optional(),
  author: IdentitySchema.optional(),
});

/**
 * Put a revert of a commit or merged pull request on a new branch from main, ready to open as a
 * pull request.
 */
export async function proposeRevert(ctx: LocalForgeContext, raw: unknown): Promise<RevertResponse> {
  const input = parseInput('proposeRevert', proposeRevertInput, raw);
  const target = await resolveRevertTarget(ctx, input.commitOrPr);
  const branch = input.branch ?? `mcpbox/revert-${target.commit.slice(0, 12)}`;
  const ref = branchRef(branch);
  const main = await resolveCommit(ctx.gitDir, 'refs/heads/main');
  const commit = await buildRevertCommit(ctx, target, main, input.author ?? ctx.identity);
  await ctx.writeRefs([{ ref, next: commit, expected: null }], `propose revert of ${target.commit}`);
  return { reverted: target.commit, commit, branch };
}
