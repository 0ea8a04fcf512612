// Commit statuses on Gitea/Forgejo (same paths as GitHub; the state field is `status` in answers).
import { parseInput } from '../errors.ts';
import type { CommitStatus } from '../forge.ts';
import { listCommitStatusesInput } from '../operations/list-commit-statuses.ts';
import { setCommitStatusInput } from '../operations/set-commit-status.ts';
import type { GiteaContext, GiteaStatus } from './gitea-client.ts';

function toStatus(sha: string, s: GiteaStatus): CommitStatus {
  const state = (['pending', 'success', 'failure', 'error'] as const).find((x) => x === s.status) ?? 'error';
  return { sha, context: s.context, state, description: s.description ?? '', ...(s.target_url ? { targetUrl: s.target_url } : {}), updatedAt: s.updated_at };
}

export async function setCommitStatus(ctx: GiteaContext, raw: unknown): Promise<CommitStatus> {
  const input = parseInput('setCommitStatus', setCommitStatusInput, raw);
  const data = await ctx.request<GiteaStatus>(`setting status ${input.context}`, 'POST', `/statuses/${input.sha}`, {
    state: input.state,
    context: input.context,
    description: input.description,
    ...(input.targetUrl ? { target_url: input.targetUrl } : {}),
  });
  return toStatus(input.sha, data);
}

export async function listCommitStatuses(ctx: GiteaContext, raw: unknown): Promise<CommitStatus[]> {
  const input = parseInput('listCommitStatuses', listCommitStatusesInput, raw);
  const data = await ctx.request<GiteaStatus[]>('reading commit statuses', 'GET', `/statuses/${input.sha}?sort=recentupdate&limit=50`);
  const latest = new Map<string, CommitStatus>();
  for (const s of data) if (!latest.has(s.context)) latest.set(s.context, toStatus(input.sha, s));
  return [...latest.values()];
}
