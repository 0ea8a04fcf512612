// Typed failures of the git layer. Callers branch on `code`; people read `message`, which says
// what went wrong and what to do next. Raw git stderr is kept in `detail` for logs, never shown alone.

export type GitErrorCode =
  | 'repo_missing' // the git dir does not exist or is not a bare repository
  | 'not_found' // a revision, ref, path or object does not exist
  | 'conflict' // a compare-and-swap lost, or a merge/revert has conflicting paths
  | 'invalid_ref' // a ref or branch name we refuse (syntax, look-alikes, option injection)
  | 'invalid_path' // a repo path we refuse (absolute, `..`, `.git`, control characters)
  | 'invalid_argument' // any other argument we refuse (sha, message, identity)
  | 'forbidden_ref' // a valid ref this writer is not allowed to move (e.g. main from the gateway)
  | 'locked' // another process holds a git lock file; retry later
  | 'git_failed'; // git failed in a way we did not anticipate (see `detail`)

export class GitError extends Error {
  readonly code: GitErrorCode;
  /** git's own stderr, for logs. */
  readonly detail: string | undefined;
  /** Conflicting repo paths (merge/revert), when code is `conflict`. */
  readonly paths: string[];

  constructor(code: GitErrorCode, message: string, options: { detail?: string; paths?: string[]; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GitError';
    this.code = code;
    this.detail = options.detail;
    this.paths = options.paths ?? [];
  }
}

export function isGitError(err: unknown, code?: GitErrorCode): err is GitError {
  return err instanceof GitError && (code === undefined || err.code === code);
}
