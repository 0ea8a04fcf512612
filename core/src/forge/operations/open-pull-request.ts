import * as z from 'zod';
import { isAncestor, resolveCommit } from '../../git/resolve.ts';
import { branchRef } from '../../git/validate.ts';
import { ForgeError, parseInput } from '../errors.ts';
import { IdentitySchema, type PullRecord, type PullRequest } from '../forge.ts';
import { BranchNameSchema, openPullFor, pullRef, type LocalForgeContext } from '../local-context.ts';
import { pullPath, recordFile } from '../pull-store.ts';

export const openPullRequestInput = z.object({
  branch: BranchNameSchema,
  title: z.string().trim().min(1).max(300),
  body: z.string().max(200_000).default(''),
  kind: z.string().regex(/^[a-z][a-z_]{0,39}$/, 'must be a lower-case word such as "create_tool"').default('change'),
  author: IdentitySchema.optional(),
});

/** Open a pull request from a branch into main. One open pull request per branch. */
export async function openPullRequest(ctx: LocalForgeContext, raw: unknown): Promise<PullRequest> {
  const input = parseInput('openPullRequest', openPullRequestInput, raw);
  if (input.branch === 'main') throw new ForgeError('invalid_input', 'A pull request must come from a branch other than main.');
  const head = await resolveCommit(ctx.gitDir, branchRef(input.branch));
  if (await isAncestor(ctx.gitDir, head, 'refs/heads/main')) {
    throw new ForgeError('invalid_state', `The branch ${input.branch} has no commits that are not already on main; commit a change first.`);
  }
  return ctx.pulls.transact(async (snapshot) => {
    const existing = await openPullFor(snapshot, input.branch);
    if (existing) throw new ForgeError('invalid_state', `Pull request #${existing.number} is already open for ${input.branch}.`);
    const number = snapshot.nextNumber();
    const now = ctx.now();
    const record: PullRecord = {
      number,
      title: input.title,
      body: input.body,
      kind: input.kind,
      branch: input.branch,
      base: 'main',
      state: 'open',
      author: input.author ?? ctx.identity,
      createdAt: now,
      updatedAt: now,
      comments: [],
    };
    return {
      files: [recordFile(pullPath(number), record)],
      message: `Open pull request #${number}: ${input.title}`,
      alsoUpdate: [{ ref: pullRef(number), next: head, expected: undefined }],
      result: { ...record, head },
    };
  });
}
