// Commit a change set onto a branch and publish it with compare-and-swap.
// - `expectedHead` given: the commit is built on it and the ref must still point there, else a
//   `conflict` GitError (the caller decides; nothing is rebased behind its back).
// - no `expectedHead`: built on the current head; if another writer (any process) wins the race,
//   rebuild on the fresh head and try again until a deadline. Change sets are whole-file writes,
//   so re-applying them on a newer head is exactly what the caller asked for.
import { GitError, isGitError } from './errors.ts';
import { withRefLock } from './ref-lock.ts';
import type { RefUpdate } from './refs.ts';
import { tryResolveCommit } from './resolve.ts';
import { assertRefName, assertSha, type GitIdentity } from './validate.ts';
import { writeCommitObject, type CommitMessage, type FileWrite } from './write-commit.ts';

/** Moves refs atomically with CAS; the forge passes a writer restricted to the refs it may move. */
export type RefWriter = (updates: RefUpdate[], reason: string) => Promise<void>;

export interface CommitChangesInput extends CommitMessage {
  ref: string;
  changes: FileWrite[];
  author: GitIdentity;
  committer: GitIdentity;
  /** The head the change was based on; null means the ref must not exist yet (a root commit). */
  expectedHead?: string | null;
  /** Extra ref updates published in the same transaction (e.g. a metadata record). */
  alsoUpdate?: (commit: string, parent: string | null) => RefUpdate[];
}

export interface CommitChangesResult {
  commit: string;
  parent: string | null;
  /** How many times the CAS lost and the commit was rebuilt. */
  retries: number;
}

const RETRY_DEADLINE_MS = 30_000;

function pause(attempt: number): Promise<void> {
  const ms = Math.min(200, 5 * 2 ** Math.min(attempt, 5)) * (0.5 + Math.random());
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function commitChanges(gitDir: string, writeRefs: RefWriter, input: CommitChangesInput): Promise<CommitChangesResult> {
  const ref = assertRefName(input.ref);
  if (typeof input.expectedHead === 'string') assertSha(input.expectedHead, 'expected head');
  return withRefLock(`${gitDir}\0${ref}`, async () => {
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      const head = input.expectedHead !== undefined ? input.expectedHead : await tryResolveCommit(gitDir, ref);
      if (head === undefined) throw new GitError('not_found', `The branch ${ref.replace(/^refs\/heads\//, '')} does not exist; create it first.`);
      const commit = await writeCommitObject(gitDir, { ...input, parent: head });
      try {
        await writeRefs([{ ref, next: commit, expected: head }, ...(input.alsoUpdate?.(commit, head) ?? [])], input.message.split('\n')[0] ?? 'commit');
        return { commit, parent: head, retries: attempt };
      } catch (err) {
        const transient = isGitError(err, 'locked') || (isGitError(err, 'conflict') && input.expectedHead === undefined);
        if (!transient || Date.now() - started > RETRY_DEADLINE_MS) {
          if (isGitError(err, 'conflict') && input.expectedHead !== undefined) {
            const at = input.expectedHead === null ? 'new' : `at ${input.expectedHead.slice(0, 12)}`;
            throw new GitError('conflict', `The branch ${ref.replace(/^refs\/heads\//, '')} is no longer ${at}; someone else committed to it. Re-read the branch and try again.`, { detail: err.detail });
          }
          throw err;
        }
        await pause(attempt);
      }
    }
  });
}
