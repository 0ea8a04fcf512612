// The git side of mcpbox: typed operations over the git CLI on bare repositories only.
export { GitError, isGitError, type GitErrorCode } from './errors.ts';
export { runGit, type GitRunOptions, type GitRunResult } from './runner.ts';
export { assertRefName, assertRepoPath, assertRevision, assertSha, assertIdentity, branchRef, isSha, ZERO_SHA, type GitIdentity } from './validate.ts';
export { resolveCommit, tryResolveCommit, commitParents, commitSubject, committedAt, isAncestor } from './resolve.ts';
export { readTree, listTree, readBlobs, type TreeEntry } from './read-tree.ts';
export { diffTree, type FileChange, type ChangeStatus } from './diff-tree.ts';
export { fileHistory, type FileCommit } from './file-history.ts';
export { listRefs, updateRefs, type RefUpdate, type RefInfo } from './refs.ts';
export { writeCommitObject, commitTree, commitTreeId, composeMessage, type FileWrite, type CommitMessage, type CommitObjectInput } from './write-commit.ts';
export { commitChanges, type CommitChangesInput, type CommitChangesResult, type RefWriter } from './commit-changes.ts';
export { mergeTrees, revertTree } from './merge.ts';
