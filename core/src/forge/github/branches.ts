// Branches on GitHub through the Git Database API's refs: create (422 when it exists, a lost race)
// and delete with an expected head.
import { GitError } from '../../git/errors.ts';
import { parseInput } from '../errors.ts';
import type { Branch } from '../forge.ts';
import { createBranchInput } from '../operations/create-branch.ts';
import { deleteBranchInput } from '../operations/delete-branch.ts';
import { assertGatewayBranch } from '../../repo/mirror-forge.ts';
import type { GitHubContext } from './github-context.ts';

export async function branchHead(ctx: GitHubContext, branch: string): Promise<string> {
  const { data } = await ctx.call(`reading branch ${branch}`, () => ctx.octokit.rest.git.getRef({ owner: ctx.owner, repo: ctx.repo, ref: `heads/${branch}` }));
  return data.object.sha;
}

export async function createBranch(ctx: GitHubContext, raw: unknown): Promise<Branch> {
  const input = parseInput('createBranch', createBranchInput, raw);
  assertGatewayBranch(input.branch);
  const from = input.from.replace(/^refs\/heads\//, '');
  const head = /^[0-9a-f]{40}$/.test(from) ? from : await branchHead(ctx, from);
  await ctx.call(`creating branch ${input.branch}`, () => ctx.octokit.rest.git.createRef({ owner: ctx.owner, repo: ctx.repo, ref: `refs/heads/${input.branch}`, sha: head }), { race: true });
  await ctx.reads.refresh();
  return { name: input.branch, head };
}

export async function deleteBranch(ctx: GitHubContext, raw: unknown): Promise<void> {
  const input = parseInput('deleteBranch', deleteBranchInput, raw);
  assertGatewayBranch(input.branch);
  if (input.expectedHead !== undefined) {
    const head = await branchHead(ctx, input.branch);
    if (head !== input.expectedHead) {
      throw new GitError('conflict', `The branch ${input.branch} moved (now ${head.slice(0, 12)}); re-read it and try again.`);
    }
  }
  await ctx.call(`deleting branch ${input.branch}`, () => ctx.octokit.rest.git.deleteRef({ owner: ctx.owner, repo: ctx.repo, ref: `heads/${input.branch}` }), { race: true });
  await ctx.reads.refresh();
}
