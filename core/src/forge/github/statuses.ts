// Commit statuses on GitHub: the gateway's test results and the reconciler's "applied" mark.
import { parseInput } from '../errors.ts';
import type { CommitStatus } from '../forge.ts';
import { listCommitStatusesInput } from '../operations/list-commit-statuses.ts';
import { setCommitStatusInput } from '../operations/set-commit-status.ts';
import type { GitHubContext } from './github-context.ts';

export async function setCommitStatus(ctx: GitHubContext, raw: unknown): Promise<CommitStatus> {
  const input = parseInput('setCommitStatus', setCommitStatusInput, raw);
  const { data } = await ctx.call(`setting status ${input.context}`, () =>
    ctx.octokit.rest.repos.createCommitStatus({
      owner: ctx.owner,
      repo: ctx.repo,
      sha: input.sha,
      state: input.state,
      context: input.context,
      // GitHub caps descriptions at 140 characters.
      description: input.description.slice(0, 140),
      ...(input.targetUrl ? { target_url: input.targetUrl } : {}),
    }),
  );
  return { sha: input.sha, context: data.context, state: data.state as CommitStatus['state'], description: data.description ?? '', ...(data.target_url ? { targetUrl: data.target_url } : {}), updatedAt: data.updated_at };
}

export async function listCommitStatuses(ctx: GitHubContext, raw: unknown): Promise<CommitStatus[]> {
  const input = parseInput('listCommitStatuses', listCommitStatusesInput, raw);
  const { data } = await ctx.call('reading commit statuses', () => ctx.octokit.rest.repos.listCommitStatusesForRef({ owner: ctx.owner, repo: ctx.repo, ref: input.sha, per_page: 100 }));
  // Newest first from GitHub; one per context, the latest wins (as on the local forge).
  const latest = new Map<string, CommitStatus>();
  for (const s of data) {
    if (latest.has(s.context)) continue;
    latest.set(s.context, { sha: input.sha, context: s.context, state: s.state as CommitStatus['state'], description: s.description ?? '', ...(s.target_url ? { targetUrl: s.target_url } : {}), updatedAt: s.updated_at });
  }
  return [...latest.values()];
}
