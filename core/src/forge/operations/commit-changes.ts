import * as z from 'zod';
import { commitChanges as commitOnRef } from '../../git/commit-changes.ts';
import { branchRef } from '../../git/validate.ts';
import { ForgeError, parseInput } from '../errors.ts';
import { IdentitySchema, type CommitChangesResponse } from '../forge.ts';
import { BranchNameSchema, openPullFor, pullRef, ShaSchema, type LocalForgeContext } from '../local-context.ts';

const MAX_FILE_BYTES = 1024 * 1024;

export const commitChangesInput = z.object({
  branch: BranchNameSchema,
  changes: z
    .array(
      z.object({
        path: z.string().min(1).max(1024),
        content: z.string().max(MAX_FILE_BYTES, 'is larger than 1 MiB').nullable(),
      }),
    )
    .min(1, 'must contain at least one change')
    .max(500),
  message: z.string().trim().min(1).max(16_000),
  author: IdentitySchema.optional(),
  trailers: z.record(z.string(), z.string()).optional(),
  expectedHead: ShaSchema.optional(),
});

/**
 * Commit whole-file writes and deletions to an existing branch. With expectedHead the commit is
 * refused if the branch moved; without it, it lands on the current head.
 */
export async function commitChanges(ctx: LocalForgeContext, raw: unknown): Promise<CommitChangesResponse> {
  const input = parseInput('commitChanges', commitChangesInput, raw);
  if (input.branch === 'main' && ctx.scope === 'branch') {
    throw new ForgeError('invalid_input', 'Changes cannot be committed to main; commit to a branch named "mcpbox/…" and open a pull request.');
  }
  const ref = branchRef(input.branch);
  // An open pull request follows its branch: refs/pull/<n>/head moves in the same transaction.
  const open = await openPullFor(await ctx.pulls.snapshot(), input.branch);
  const result = await commitOnRef(ctx.gitDir, ctx.writeRefs, {
    ref,
    changes: input.changes,
    message: input.message,
    trailers: input.trailers,
    author: input.author ?? ctx.identity,
    committer: ctx.identity,
    ...(input.expectedHead === undefined ? {} : { expectedHead: input.expectedHead }),
    alsoUpdate: (commit) => (open ? [{ ref: pullRef(open.number), next: commit, expected: undefined }] : []),
  });
  return { branch: input.branch, commit: result.commit, parent: result.parent ?? '' };
}
