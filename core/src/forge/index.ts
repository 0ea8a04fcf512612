// Forges: proposing (BranchForge) and approving (AdminForge) changes to the tools repo.
export type {
  AdminForge,
  RemoteForge,
  RemoteForgeOptions,
  Branch,
  BranchForge,
  CommitChangesRequest,
  CommitChangesResponse,
  CommitStatus,
  FileChangeInput,
  PullComment,
  PullRecord,
  PullRequest,
  PullRequestState,
  RevertResponse,
} from './forge.ts';
export { CommitStatusSchema, IdentitySchema, PullRecordSchema, PullRequestStateSchema } from './forge.ts';
export { ForgeError, HeadMovedError, type ForgeErrorCode } from './errors.ts';
export { createLocalAdminForge, createLocalBranchForge, type LocalForgeOptions } from './local-forge.ts';
export { GATEWAY_BRANCH_PREFIX, PULLS_REF, mayWrite, type WriteScope } from './ref-writer.ts';
