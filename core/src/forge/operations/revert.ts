import * as z from 'zod';
import { announceMainMoved } from '../../repo/main-events.ts';
import { parseInput } from '../errors.ts';
import type { RevertResponse } from '../forge.ts';
import { CommitOrPullSchema, type LocalForgeContext } from '../local-context.ts';
import { buildRevertCommit, landOnRef, resolveRevertTarget } from '../revert-service.ts';

const revertInput = z.object({
  commitOrPr: CommitOrPullSchema,
  message: z.string().trim().min(1).max(16_000).optional(),
});

/**
 * Revert a commit or a merged pull request directly on main (admin only). Conflicts with later
 * changes are reported with their paths.
 */
export async function revert(ctx: LocalForgeContext, raw: unknown): Promise<RevertResponse> {
  const input = parseInput('revert', revertInput, raw);
  const target = await resolveRevertTarget(ctx, input.commitOrPr);
  const { commit, previous } = await landOnRef(ctx, 'refs/heads/main', (head) => buildRevertCommit(ctx, target, head, ctx.identity, input.message), `revert ${target.commit}`);
  announceMainMoved({ gitDir: ctx.gitDir, previous, current: commit, reason: 'revert' });
  return { reverted: target.commit, commit, branch: 'main' };
}
