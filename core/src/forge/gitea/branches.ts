// Branches on Gitea/Forgejo: POST /branches (409 when it exists) and DELETE /branches/{name}.
import { GitError } from '../../git/errors.ts';
import { parseInput } from '../errors.ts';
import type { Branch } from '../forge.ts';
import { createBranchInput } from '../operations/create-branch.ts';
import { deleteBranchInput } from '../operations/delete-branch.ts';
import { assertGatewayBranch } from '../../repo/mirror-forge.ts';
import type { GiteaBranch, GiteaContext } from './gitea-client.ts';

export async function branchHead(ctx: GiteaContext, branch: string): Promise<string> {
  const data = await ctx.request<GiteaBranch>(`reading branch ${branch}`, 'GET', `/branches/${encodeURIComponent(branch)}`);
  return data.commit.id;
}

export async function createBranch(ctx: GiteaContext, raw: unknown): Promise<Branch> {
  const input = parseInput('createBranch', createBranchInput, raw);
  assertGatewayBranch(input.branch);
  const from = input.from.replace(/^refs\/heads\//, '');
  // Gitea creates branches from a branch name; a commit id is accepted as old_ref_name by newer
  // versions only, so a sha start goes through the branch it is the head of (main for reverts).
  const oldBranch = /^[0-9a-f]{40}$/.test(from) ? 'main' : from;
  const data = await ctx.request<GiteaBranch>(`creating branch ${input.branch}`, 'POST', '/branches', { new_branch_name: input.branch, old_branch_name: oldBranch }, { race: true });
  if (/^[0-9a-f]{40}$/.test(from) && data.commit.id !== from) {
    throw new GitError('conflict', `main moved while ${input.branch} was being created; try again.`);
  }
  await ctx.reads.refresh();
  return { name: input.branch, head: data.commit.id };
}

export async function deleteBranch(ctx: GiteaContext, raw: unknown): Promise<void> {
  const input = parseInput('deleteBranch', deleteBranchInput, raw);
  assertGatewayBranch(input.branch);
  if (input.expectedHead !== undefined) {
    const head = await branchHead(ctx, input.branch);
    if (head !== input.expectedHead) throw new GitError('conflict', `The branch ${input.branch} moved (now ${head.slice(0, 12)}); re-read it and try again.`);
  }
  await ctx.request<void>(`deleting branch ${input.branch}`, 'DELETE', `/branches/${encodeURIComponent(input.branch)}`, undefined, { race: true });
  await ctx.reads.refresh();
}
