import * as z from 'zod';
import { resolveCommit } from '../../git/resolve.ts';
import { parseInput } from '../errors.ts';
import { CommitStatusStateSchema, type CommitStatus } from '../forge.ts';
import { ShaSchema, type LocalForgeContext } from '../local-context.ts';
import { recordFile, statusPath } from '../pull-store.ts';

export const setCommitStatusInput = z.object({
  sha: ShaSchema,
  context: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._/:-]{0,99}$/, 'must be a short name such as "mcpbox/validate"'),
  state: CommitStatusStateSchema,
  description: z.string().max(1000).default(''),
  targetUrl: z.url().optional(),
});

/**
 * Record a check result (e.g. mcpbox validate, sandbox test) on a commit; one status per context,
 * the latest wins.
 */
export async function setCommitStatus(ctx: LocalForgeContext, raw: unknown): Promise<CommitStatus> {
  const input = parseInput('setCommitStatus', setCommitStatusInput, raw);
  await resolveCommit(ctx.gitDir, input.sha);
  return ctx.pulls.transact(async (snapshot) => {
    const status: CommitStatus = { ...input, updatedAt: ctx.now() };
    const others = (await snapshot.statuses(input.sha)).filter((s) => s.context !== input.context);
    return {
      files: [recordFile(statusPath(input.sha), [...others, status])],
      message: `Status ${input.context}=${input.state} for ${input.sha.slice(0, 12)}`,
      result: status,
    };
  });
}
