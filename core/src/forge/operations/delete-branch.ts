import * as z from 'zod';
import { resolveCommit } from '../../git/resolve.ts';
import { branchRef } from '../../git/validate.ts';
import { ForgeError, parseInput } from '../errors.ts';
import { BranchNameSchema, ShaSchema, type LocalForgeContext } from '../local-context.ts';

export const deleteBranchInput = z.object({
  branch: BranchNameSchema,
  /** Refuse (conflict) if the branch is no longer at this commit. */
  expectedHead: ShaSchema.optional(),
});

/** Delete a branch. Pull-request records and refs/pull/<n>/head keep their history. */
export async function deleteBranch(ctx: LocalForgeContext, raw: unknown): Promise<void> {
  const input = parseInput('deleteBranch', deleteBranchInput, raw);
  if (input.branch === 'main') throw new ForgeError('invalid_input', 'The main branch cannot be deleted.');
  const ref = branchRef(input.branch);
  const head = input.expectedHead ?? (await resolveCommit(ctx.gitDir, ref));
  await ctx.writeRefs([{ ref, next: null, expected: head }], `delete branch ${input.branch}`);
}
