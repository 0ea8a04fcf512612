import * as z from 'zod';
import { ForgeError, parseInput } from '../errors.ts';
import type { PullRecord, PullRequest } from '../forge.ts';
import { PullNumberSchema, requireOpen, ShaSchema, viewPull, type LocalForgeContext } from '../local-context.ts';
import { pullPath, recordFile } from '../pull-store.ts';

const recordShownHeadInput = z.object({ number: PullNumberSchema, head: ShaSchema });

/**
 * Record the head commit a review displayed on an open pull request, so that a later merge without
 * an explicit head merges exactly that one.
 */
export async function recordShownHead(ctx: LocalForgeContext, raw: unknown): Promise<PullRequest> {
  const input = parseInput('recordShownHead', recordShownHeadInput, raw);
  const record = await ctx.pulls.transact(async (snapshot) => {
    const current = await requireOpen(snapshot, input.number);
    if (ctx.scope !== 'admin') throw new ForgeError('invalid_state', 'Only the admin records what a review displayed.');
    const next: PullRecord = { ...current, shownHead: { sha: input.head, by: ctx.identity, at: ctx.now() } };
    return { files: [recordFile(pullPath(input.number), next)], message: `Review of pull request #${input.number} showed ${input.head.slice(0, 12)}`, result: next };
  });
  return viewPull(ctx, record);
}
