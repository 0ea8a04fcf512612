// The GitHub forge: a BranchForge over the REST API (@octokit/rest) whose reads come from the local
// mirror. Like the local forge's gateway object it writes only mcpbox/ branches; on GitHub, main is
// also protected by a ruleset the token cannot bypass (README, "GitHub and Gitea").
import type { RemoteForge } from '../forge.ts';
import { proposeRevertOnForge } from '../../repo/mirror-changes.ts';
import { createBranch, deleteBranch } from './branches.ts';
import { commitChanges } from './commits.ts';
import { createGitHubContext, type GitHubForgeOptions } from './github-context.ts';
import { closePullRequest, commentPullRequest, getPullRequest, listPullRequests, mergePullRequest, openPullRequest } from './pulls.ts';
import { listCommitStatuses, setCommitStatus } from './statuses.ts';

export type GitHubForge = RemoteForge;

export function createGitHubForge(options: GitHubForgeOptions): GitHubForge {
  const ctx = createGitHubContext(options);
  const forge: GitHubForge = {
    kind: 'github',
    listBranches: () => ctx.reads.listBranches(),
    createBranch: (input) => createBranch(ctx, input),
    deleteBranch: (input) => deleteBranch(ctx, input),
    readFiles: (input) => ctx.reads.readFiles(input),
    commitChanges: (input) => commitChanges(ctx, input),
    openPullRequest: (input) => openPullRequest(ctx, input),
    listPullRequests: (input) => listPullRequests(ctx, input),
    getPullRequest: (input) => getPullRequest(ctx, input),
    commentPullRequest: (input) => commentPullRequest(ctx, input),
    closePullRequest: (input) => closePullRequest(ctx, input),
    setCommitStatus: (input) => setCommitStatus(ctx, input),
    listCommitStatuses: (input) => listCommitStatuses(ctx, input),
    proposeRevert: (input) => proposeRevertOnForge(forge, options.mirror, input),
    mergePullRequest: (input) => mergePullRequest(ctx, input),
  };
  return Object.freeze(forge);
}

export type { GitHubForgeOptions } from './github-context.ts';
