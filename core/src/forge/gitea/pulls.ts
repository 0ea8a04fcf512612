// Pull requests on Gitea/Forgejo: /pulls for the request itself, /issues/{n}/comments for its
// conversation (a pull request is an issue there too), POST /pulls/{n}/merge for admin tooling.
import { parseInput } from '../errors.ts';
import type { PullRequest } from '../forge.ts';
import { closePullRequestInput } from '../operations/close-pull-request.ts';
import { commentPullRequestInput } from '../operations/comment-pull-request.ts';
import { getPullRequestInput } from '../operations/get-pull-request.ts';
import { listPullRequestsInput } from '../operations/list-pull-requests.ts';
import { mergePullRequestInput } from '../operations/merge-pull-request.ts';
import { openPullRequestInput } from '../operations/open-pull-request.ts';
import { bodyWithKind, toPullRequest, type ForgePull } from '../../repo/mirror-forge.ts';
import { assertGatewayBranch } from '../../repo/mirror-forge.ts';
import type { GiteaComment, GiteaContext, GiteaPull } from './gitea-client.ts';

const EMAIL_DOMAIN = 'noreply.gitea.local';

async function comments(ctx: GiteaContext, number: number): Promise<ForgePull['comments']> {
  const data = await ctx.request<GiteaComment[]>(`reading comments of #${number}`, 'GET', `/issues/${number}/comments`);
  return data.map((c) => ({ author: c.user?.login ?? 'ghost', body: c.body, createdAt: c.created_at }));
}

async function view(ctx: GiteaContext, data: GiteaPull, withComments: boolean): Promise<PullRequest> {
  return toPullRequest(
    {
      number: data.number,
      title: data.title,
      body: data.body,
      state: data.state,
      merged: data.merged,
      mergeCommit: data.merged ? data.merge_commit_sha : null,
      branch: data.head.ref,
      headSha: data.head.sha,
      author: data.user?.login ?? 'ghost',
      mergedBy: data.merged_by?.login ?? null,
      createdAt: data.created_at,
      updatedAt: data.updated_at,
      comments: withComments ? await comments(ctx, data.number) : [],
    },
    EMAIL_DOMAIN,
  );
}

export async function getPullRequest(ctx: GiteaContext, raw: unknown): Promise<PullRequest> {
  const input = parseInput('getPullRequest', getPullRequestInput, raw);
  return view(ctx, await ctx.request<GiteaPull>(`reading pull request #${input.number}`, 'GET', `/pulls/${input.number}`), true);
}

export async function openPullRequest(ctx: GiteaContext, raw: unknown): Promise<PullRequest> {
  const input = parseInput('openPullRequest', openPullRequestInput, raw);
  assertGatewayBranch(input.branch);
  const data = await ctx.request<GiteaPull>(`opening a pull request for ${input.branch}`, 'POST', '/pulls', {
    head: input.branch,
    base: 'main',
    title: input.title,
    body: bodyWithKind(input.body, input.kind),
  });
  return view(ctx, data, false);
}

export async function listPullRequests(ctx: GiteaContext, raw: unknown): Promise<PullRequest[]> {
  const input = parseInput('listPullRequests', listPullRequestsInput, raw ?? {});
  const state = input.state === 'open' ? 'open' : input.state === 'all' ? 'all' : 'closed';
  const data = await ctx.request<GiteaPull[]>('listing pull requests', 'GET', `/pulls?state=${state}&sort=oldest&limit=50`);
  const wanted = data.filter((p) => input.branch === undefined || p.head.ref === input.branch);
  const pulls = await Promise.all(wanted.map((p) => view(ctx, p, p.state === 'closed' && !p.merged)));
  return pulls.filter((p) => input.state === 'all' || p.state === input.state);
}

export async function commentPullRequest(ctx: GiteaContext, raw: unknown): Promise<PullRequest> {
  const input = parseInput('commentPullRequest', commentPullRequestInput, raw);
  await ctx.request(`commenting on #${input.number}`, 'POST', `/issues/${input.number}/comments`, { body: input.body });
  return getPullRequest(ctx, { number: input.number });
}

export async function closePullRequest(ctx: GiteaContext, raw: unknown): Promise<PullRequest> {
  const input = parseInput('closePullRequest', closePullRequestInput, raw);
  await ctx.request(`commenting on #${input.number}`, 'POST', `/issues/${input.number}/comments`, { body: input.reason });
  await ctx.request(`closing #${input.number}`, 'PATCH', `/pulls/${input.number}`, { state: 'closed' });
  return getPullRequest(ctx, { number: input.number });
}

/** Admin tooling only: the gateway's token must not be allowed to merge (README, branch protection). */
export async function mergePullRequest(ctx: GiteaContext, raw: unknown): Promise<PullRequest> {
  const input = parseInput('mergePullRequest', mergePullRequestInput, raw);
  const pull = await getPullRequest(ctx, { number: input.number });
  // The forge refuses the merge when the branch is no longer at this head (the reviewed one if given).
  const head = input.expectedHead ?? pull.head;
  await ctx.request(
    `merging #${input.number}`,
    'POST',
    `/pulls/${input.number}/merge`,
    { Do: 'merge', ...(head ? { head_commit_id: head } : {}), ...(input.message ? { MergeMessageField: input.message } : {}) },
    { race: true },
  );
  await ctx.reads.refresh();
  return getPullRequest(ctx, { number: input.number });
}
