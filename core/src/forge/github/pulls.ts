// Pull requests on GitHub: open, list, get (with comments), comment, close with a reason (the
// closing comment is the rejection reason the LLM reads), and merge for admin tooling. "Merged"
// is read from merged_at, which list and get both carry.
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
import type { GitHubContext } from './github-context.ts';

const EMAIL_DOMAIN = 'users.noreply.github.com';

interface GitHubPullData {
  number: number;
  title: string;
  body: string | null;
  state: string;
  merged_at: string | null;
  merge_commit_sha: string | null;
  head: { ref: string; sha: string };
  user: { login: string } | null;
  merged_by?: { login: string } | null;
  created_at: string;
  updated_at: string;
}

async function comments(ctx: GitHubContext, number: number): Promise<ForgePull['comments']> {
  const { data } = await ctx.call(`reading comments of #${number}`, () => ctx.octokit.rest.issues.listComments({ owner: ctx.owner, repo: ctx.repo, issue_number: number, per_page: 100 }));
  return data.map((c) => ({ author: c.user?.login ?? 'ghost', body: c.body ?? '', createdAt: c.created_at }));
}

async function view(ctx: GitHubContext, data: GitHubPullData, withComments: boolean): Promise<PullRequest> {
  const merged = data.merged_at !== null;
  return toPullRequest(
    {
      number: data.number,
      title: data.title,
      body: data.body,
      state: data.state === 'open' ? 'open' : 'closed',
      merged,
      mergeCommit: merged ? data.merge_commit_sha : null,
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

export async function getPullRequest(ctx: GitHubContext, raw: unknown): Promise<PullRequest> {
  const input = parseInput('getPullRequest', getPullRequestInput, raw);
  const { data } = await ctx.call(`reading pull request #${input.number}`, () => ctx.octokit.rest.pulls.get({ owner: ctx.owner, repo: ctx.repo, pull_number: input.number }));
  return view(ctx, data, true);
}

export async function openPullRequest(ctx: GitHubContext, raw: unknown): Promise<PullRequest> {
  const input = parseInput('openPullRequest', openPullRequestInput, raw);
  assertGatewayBranch(input.branch);
  const { data } = await ctx.call(`opening a pull request for ${input.branch}`, () =>
    ctx.octokit.rest.pulls.create({ owner: ctx.owner, repo: ctx.repo, head: input.branch, base: 'main', title: input.title, body: bodyWithKind(input.body, input.kind) }),
  );
  return view(ctx, data, false);
}

export async function listPullRequests(ctx: GitHubContext, raw: unknown): Promise<PullRequest[]> {
  const input = parseInput('listPullRequests', listPullRequestsInput, raw ?? {});
  const state = input.state === 'open' ? 'open' : input.state === 'all' ? 'all' : 'closed';
  const { data } = await ctx.call('listing pull requests', () =>
    ctx.octokit.rest.pulls.list({ owner: ctx.owner, repo: ctx.repo, state, per_page: 100, sort: 'created', direction: 'asc', ...(input.branch ? { head: `${ctx.owner}:${input.branch}` } : {}) }),
  );
  // Closed-unmerged requests carry their reason in the last comment; the others need no comments.
  const pulls = await Promise.all(data.map((p) => view(ctx, p, p.state !== 'open' && p.merged_at === null)));
  return pulls.filter((p) => input.state === 'all' || p.state === input.state);
}

export async function commentPullRequest(ctx: GitHubContext, raw: unknown): Promise<PullRequest> {
  const input = parseInput('commentPullRequest', commentPullRequestInput, raw);
  await ctx.call(`commenting on #${input.number}`, () => ctx.octokit.rest.issues.createComment({ owner: ctx.owner, repo: ctx.repo, issue_number: input.number, body: input.body }));
  return getPullRequest(ctx, { number: input.number });
}

export async function closePullRequest(ctx: GitHubContext, raw: unknown): Promise<PullRequest> {
  const input = parseInput('closePullRequest', closePullRequestInput, raw);
  await ctx.call(`commenting on #${input.number}`, () => ctx.octokit.rest.issues.createComment({ owner: ctx.owner, repo: ctx.repo, issue_number: input.number, body: input.reason }));
  await ctx.call(`closing #${input.number}`, () => ctx.octokit.rest.pulls.update({ owner: ctx.owner, repo: ctx.repo, pull_number: input.number, state: 'closed' }));
  return getPullRequest(ctx, { number: input.number });
}

/** Admin tooling only: the gateway's token must not be able to merge (README, branch ruleset). */
export async function mergePullRequest(ctx: GitHubContext, raw: unknown): Promise<PullRequest> {
  const input = parseInput('mergePullRequest', mergePullRequestInput, raw);
  const pull = await getPullRequest(ctx, { number: input.number });
  // The forge refuses the merge when the branch is no longer at this head (the reviewed one if given).
  const head = input.expectedHead ?? pull.head;
  await ctx.call(`merging #${input.number}`, () =>
    ctx.octokit.rest.pulls.merge({ owner: ctx.owner, repo: ctx.repo, pull_number: input.number, merge_method: 'merge', ...(head ? { sha: head } : {}), ...(input.message ? { commit_message: input.message } : {}) }),
  { race: true });
  await ctx.reads.refresh();
  return getPullRequest(ctx, { number: input.number });
}
