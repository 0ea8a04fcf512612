import * as z from 'zod';
import { resolveCommit } from '../../git/resolve.ts';
import { branchRef } from '../../git/validate.ts';
import { parseInput } from '../errors.ts';
import type { Branch } from '../forge.ts';
import { BranchNameSchema, type LocalForgeContext } from '../local-context.ts';

export const createBranchInput = z.object({
  branch: BranchNameSchema,
  /** Where the branch starts; main by default. */
  from: z.string().min(1).max(200).default('refs/heads/main'),
});

/** Create a new branch from main (or another revision). Fails with a conflict if it already exists. */
export async function createBranch(ctx: LocalForgeContext, raw: unknown): Promise<Branch> {
  const input = parseInput('createBranch', createBranchInput, raw);
  const ref = branchRef(input.branch);
  const head = await resolveCommit(ctx.gitDir, input.from);
  await ctx.writeRefs([{ ref, next: head, expected: null }], `create branch ${input.branch}`);
  return { name: input.branch, head };
}
