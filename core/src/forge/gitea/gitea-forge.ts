// The Gitea/Forgejo forge: a BranchForge over API v1 with reads from the local mirror. Gitea has
// no revert API: reverts are computed by git in the mirror and sent as a ChangeFiles commit on a
// new mcpbox/ branch (see repo/mirror-changes.ts).
import type { RemoteForge } from '../forge.ts';
import { proposeRevertOnForge } from '../../repo/mirror-changes.ts';
import { createBranch, deleteBranch } from './branches.ts';
import { commitChanges } from './commits.ts';
import { createGiteaContext, type GiteaForgeOptions } from './gitea-client.ts';
import { closePullRequest, commentPullRequest, getPullRequest, listPullRequests, mergePullRequest, openPullRequest } from './pulls.ts';
import { listCommitStatuses, setCommitStatus } from './statuses.ts';

export type GiteaForge = RemoteForge;

export function createGiteaForge(options: GiteaForgeOptions): GiteaForge {
  const ctx = createGiteaContext(options);
  const forge: GiteaForge = {
    kind: 'gitea',
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

export type { GiteaForgeOptions } from './gitea-client.ts';
