// Revision → object id. Reads go through here so every user-supplied revision is validated once.
import { GitError } from './errors.ts';
import { runGit } from './runner.ts';
import { assertRevision } from './validate.ts';

/** The commit `rev` names, or undefined when it does not exist. */
export async function tryResolveCommit(gitDir: string, rev: string): Promise<string | undefined> {
  assertRevision(rev);
  const { stdout, code } = await runGit(gitDir, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`], { okCodes: [0, 1] });
  return code === 0 ? stdout.toString('utf8').trim() : undefined;
}

/** The commit `rev` names; a `not_found` GitError when there is none. */
export async function resolveCommit(gitDir: string, rev: string): Promise<string> {
  const sha = await tryResolveCommit(gitDir, rev);
  if (sha === undefined) throw new GitError('not_found', `The revision ${JSON.stringify(rev)} does not exist in the repository.`);
  return sha;
}

/** Parent commit ids of `commit`, in order. */
export async function commitParents(gitDir: string, commit: string): Promise<string[]> {
  assertRevision(commit);
  const { stdout } = await runGit(gitDir, ['rev-list', '--parents', '-n', '1', '--end-of-options', commit]);
  return stdout.toString('utf8').trim().split(' ').slice(1);
}

/** Whether `ancestor` is reachable from `descendant` (a commit is its own ancestor). */
export async function isAncestor(gitDir: string, ancestor: string, descendant: string): Promise<boolean> {
  assertRevision(ancestor);
  assertRevision(descendant);
  const { code } = await runGit(gitDir, ['merge-base', '--is-ancestor', '--end-of-options', ancestor, descendant], { okCodes: [0, 1] });
  return code === 0;
}

/** The first line of a commit's message. */
export async function commitSubject(gitDir: string, commit: string): Promise<string> {
  assertRevision(commit);
  const { stdout } = await runGit(gitDir, ['show', '-s', '--format=%s', '--end-of-options', commit]);
  return stdout.toString('utf8').trim();
}

/** When `commit` was committed: its committer time, in seconds since the epoch. */
export async function committedAt(gitDir: string, commit: string): Promise<number> {
  assertRevision(commit);
  const { stdout } = await runGit(gitDir, ['show', '-s', '--format=%ct', '--end-of-options', commit]);
  return Number(stdout.toString('utf8').trim());
}
