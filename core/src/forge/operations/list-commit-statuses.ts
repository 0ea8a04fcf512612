import * as z from 'zod';
import { parseInput } from '../errors.ts';
import type { CommitStatus } from '../forge.ts';
import { ShaSchema, type LocalForgeContext } from '../local-context.ts';

export const listCommitStatusesInput = z.object({ sha: ShaSchema });

/** List the check results recorded on a commit. */
export async function listCommitStatuses(ctx: LocalForgeContext, raw: unknown): Promise<CommitStatus[]> {
  const input = parseInput('listCommitStatuses', listCommitStatusesInput, raw);
  return (await ctx.pulls.snapshot()).statuses(input.sha);
}
