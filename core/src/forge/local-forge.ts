// The local forge over the embedded bare repo. `createLocalBranchForge` is what the gateway gets:
// its context carries a writer scoped to mcpbox/ branches and PR refs, and the object has no merge
// or revert. `createLocalAdminForge` (the admin CLI) adds those, with a writer that may move main.
import { assertIdentity, type GitIdentity } from '../git/validate.ts';
import type { AdminForge, BranchForge } from './forge.ts';
import type { LocalForgeContext } from './local-context.ts';
import { commentPullRequest } from './operations/comment-pull-request.ts';
import { closePullRequest } from './operations/close-pull-request.ts';
import { commitChanges } from './operations/commit-changes.ts';
import { createBranch } from './operations/create-branch.ts';
import { deleteBranch } from './operations/delete-branch.ts';
import { getPullRequest } from './operations/get-pull-request.ts';
import { listBranches } from './operations/list-branches.ts';
import { listCommitStatuses } from './operations/list-commit-statuses.ts';
import { listPullRequests } from './operations/list-pull-requests.ts';
import { mergePullRequest } from './operations/merge-pull-request.ts';
import { openPullRequest } from './operations/open-pull-request.ts';
import { proposeRevert } from './operations/propose-revert.ts';
import { readFiles } from './operations/read-files.ts';
import { recordShownHead } from './operations/record-shown-head.ts';
import { revert } from './operations/revert.ts';
import { setCommitStatus } from './operations/set-commit-status.ts';
import { PullStore } from './pull-store.ts';
import { scopedRefWriter, type WriteScope } from './ref-writer.ts';

export interface LocalForgeOptions {
  gitDir: string;
  /** Committer of every commit the forge writes (and author when a call names none). */
  identity: GitIdentity;
  /** Clock for record timestamps (ISO 8601). */
  now?: () => string;
}

function context(options: LocalForgeOptions, scope: WriteScope): LocalForgeContext {
  const identity = assertIdentity(options.identity, 'forge');
  const writeRefs = scopedRefWriter(options.gitDir, scope);
  return {
    gitDir: options.gitDir,
    scope,
    writeRefs,
    identity,
    pulls: new PullStore(options.gitDir, writeRefs, identity),
    now: options.now ?? (() => new Date().toISOString()),
  };
}

function branchOperations(ctx: LocalForgeContext): BranchForge {
  return {
    kind: 'local',
    listBranches: () => listBranches(ctx),
    createBranch: (input) => createBranch(ctx, input),
    deleteBranch: (input) => deleteBranch(ctx, input),
    readFiles: (input) => readFiles(ctx, input),
    commitChanges: (input) => commitChanges(ctx, input),
    openPullRequest: (input) => openPullRequest(ctx, input),
    listPullRequests: (input) => listPullRequests(ctx, input),
    getPullRequest: (input) => getPullRequest(ctx, input),
    commentPullRequest: (input) => commentPullRequest(ctx, input),
    closePullRequest: (input) => closePullRequest(ctx, input),
    setCommitStatus: (input) => setCommitStatus(ctx, input),
    listCommitStatuses: (input) => listCommitStatuses(ctx, input),
    proposeRevert: (input) => proposeRevert(ctx, input),
  };
}

/** For the gateway: branches under mcpbox/, pull requests, statuses. Cannot move main. */
export function createLocalBranchForge(options: LocalForgeOptions): BranchForge {
  return Object.freeze(branchOperations(context(options, 'branch')));
}

/** For the admin CLI: everything a BranchForge does, plus merging and reverting on main. */
export function createLocalAdminForge(options: LocalForgeOptions): AdminForge {
  const ctx = context(options, 'admin');
  return Object.freeze({
    ...branchOperations(ctx),
    mergePullRequest: (input: unknown) => mergePullRequest(ctx, input),
    recordShownHead: (input: unknown) => recordShownHead(ctx, input),
    revert: (input: unknown) => revert(ctx, input),
  });
}
