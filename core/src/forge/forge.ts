// The Forge: how mcpbox proposes and approves changes to the tools repo. Adapters exist
// per host (local embedded repo here; GitHub, Gitea later). The split is the trust boundary of
// The trust boundary: the gateway only ever holds a BranchForge, which can write branches under `mcpbox/`,
// pull-request refs and records, and cannot move `main`. Merging and reverting on main need an
// AdminForge, which only the admin's CLI constructs.
import * as z from 'zod';
import type { RepoFile } from '../format/model.ts';
import type { GitIdentity } from '../git/validate.ts';
import type { RepoMirror } from '../repo/mirror.ts';

export const IdentitySchema = z.object({
  name: z.string().trim().min(1).max(200),
  email: z.string().trim().min(1).max(200),
});

export const PullRequestStateSchema = z.enum(['open', 'closed', 'merged']);
export type PullRequestState = z.infer<typeof PullRequestStateSchema>;

const PullCommentSchema = z.object({
  author: IdentitySchema,
  body: z.string(),
  createdAt: z.string(),
});
export type PullComment = z.infer<typeof PullCommentSchema>;

/** The record of a pull request as stored (pulls/<n>.json on refs/mcpbox/pulls). */
export const PullRecordSchema = z.object({
  number: z.number().int().positive(),
  title: z.string(),
  body: z.string(),
  /** What the change is, e.g. create_tool, update_tool, create_server, policy, rollback. */
  kind: z.string(),
  branch: z.string(),
  base: z.literal('main'),
  state: PullRequestStateSchema,
  author: IdentitySchema,
  createdAt: z.string(),
  updatedAt: z.string(),
  comments: z.array(PullCommentSchema),
  closingReason: z.string().optional(),
  closedBy: IdentitySchema.optional(),
  mergeCommit: z.string().optional(),
  mergedBy: IdentitySchema.optional(),
  /** The head the admin's last `mcpbox pr show` displayed: what a `pr merge` without --head merges. */
  shownHead: z.object({ sha: z.string(), by: IdentitySchema, at: z.string() }).optional(),
});
export type PullRecord = z.infer<typeof PullRecordSchema>;

/** A pull request as callers see it: the record plus its head commit (refs/pull/<n>/head, or the branch tip while open). */
export interface PullRequest extends PullRecord {
  head: string | null;
}

export const CommitStatusStateSchema = z.enum(['pending', 'success', 'failure', 'error']);
export const CommitStatusSchema = z.object({
  sha: z.string(),
  context: z.string(),
  state: CommitStatusStateSchema,
  description: z.string(),
  targetUrl: z.string().optional(),
  updatedAt: z.string(),
});
export type CommitStatus = z.infer<typeof CommitStatusSchema>;

export interface Branch {
  name: string; // short name, e.g. mcpbox/add-forecast
  head: string;
}

export interface FileChangeInput {
  path: string;
  /** New text; null deletes the file. */
  content: string | null;
}

export interface CommitChangesRequest {
  branch: string;
  changes: FileChangeInput[];
  message: string;
  author?: GitIdentity;
  trailers?: Record<string, string>;
  /** The head the change was based on; the commit is refused (conflict) if the branch moved. */
  expectedHead?: string;
}

export interface CommitChangesResponse {
  branch: string;
  commit: string;
  parent: string;
}

export interface RevertResponse {
  /** The commit that was undone. */
  reverted: string;
  /** The new revert commit. */
  commit: string;
  /** Where it landed: main (AdminForge.revert) or a new branch (proposeRevert). */
  branch: string;
}

export interface BranchForge {
  readonly kind: 'local' | 'github' | 'gitea';
  listBranches(): Promise<Branch[]>;
  createBranch(input: { branch: string; from?: string }): Promise<Branch>;
  deleteBranch(input: { branch: string; expectedHead?: string }): Promise<void>;
  /** Every file of a branch or commit (main included: reading is always allowed). */
  readFiles(input: { ref: string }): Promise<{ commit: string; files: RepoFile[] }>;
  commitChanges(input: CommitChangesRequest): Promise<CommitChangesResponse>;
  openPullRequest(input: { branch: string; title: string; body: string; kind?: string; author?: GitIdentity }): Promise<PullRequest>;
  listPullRequests(input?: { state?: PullRequestState | 'all'; branch?: string }): Promise<PullRequest[]>;
  getPullRequest(input: { number: number }): Promise<PullRequest>;
  commentPullRequest(input: { number: number; body: string; author?: GitIdentity }): Promise<PullRequest>;
  closePullRequest(input: { number: number; reason: string; author?: GitIdentity }): Promise<PullRequest>;
  setCommitStatus(input: { sha: string; context: string; state: CommitStatus['state']; description?: string; targetUrl?: string }): Promise<CommitStatus>;
  listCommitStatuses(input: { sha: string }): Promise<CommitStatus[]>;
  /** Puts a revert of a commit (or a merged PR) on a new branch, ready for a pull request. */
  proposeRevert(input: { commitOrPr: string | number; branch?: string; author?: GitIdentity }): Promise<RevertResponse>;
}

export interface AdminForge extends BranchForge {
  /** A real --no-ff merge commit on main by the admin; the PR record becomes merged in the same ref transaction. */
  mergePullRequest(input: { number: number; message?: string; expectedHead?: string }): Promise<PullRequest>;
  /** Records the head a review displayed (PullRecord.shownHead), so the merge can insist on it. */
  recordShownHead(input: { number: number; head: string }): Promise<PullRequest>;
  /** Reverts a commit (or a merged PR) directly on main. */
  revert(input: { commitOrPr: string | number; message?: string }): Promise<RevertResponse>;
}

/**
 * A GitHub or Gitea adapter: the gateway's branch operations plus a merge through the forge's API,
 * for admin tooling and tests only (the gateway never calls it, and its token must not be allowed to).
 */
export interface RemoteForge extends BranchForge {
  mergePullRequest(input: { number: number; message?: string; expectedHead?: string }): Promise<PullRequest>;
}

/** How a GitHub or Gitea adapter reaches its forge; reads come from the local mirror. */
export interface RemoteForgeOptions {
  /** API root: https://api.github.com, https://<host>/api/v3 (GitHub Enterprise), https://<gitea>/api/v1. */
  apiUrl: string;
  owner: string;
  repo: string;
  token: string;
  mirror: RepoMirror;
  /** Per-request timeout (default 30 s). */
  timeoutMs?: number;
}
