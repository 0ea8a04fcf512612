// Argument validation for everything that reaches the git command line. Git's own
// check-ref-format rules are applied, then ours on top: ASCII only (no Unicode look-alikes of
// `main`), no leading `-` anywhere (no option injection), bounded length. Paths must stay inside
// the repo. Every caller validates before spawning git, and the runner still adds
// `--end-of-options` / `--` where git supports it.
import { GitError } from './errors.ts';

const MAX_REF_LENGTH = 200;
const MAX_PATH_LENGTH = 1024;
export const ZERO_SHA = '0000000000000000000000000000000000000000';

const SHA = /^[0-9a-f]{40}$/;
// Letters, digits, `.`, `_`, `-` and `/` only. Stricter than git on purpose.
const REF_CHARS = /^[A-Za-z0-9._/-]+$/;

/** Why `ref` (a full name like `refs/heads/x`) is not acceptable, or undefined when it is. */
function refProblem(ref: string): string | undefined {
  if (ref.length === 0) return 'it is empty';
  if (ref.length > MAX_REF_LENGTH) return `it is longer than ${MAX_REF_LENGTH} characters`;
  if (!REF_CHARS.test(ref)) return 'only ASCII letters, digits, ".", "_", "-" and "/" are allowed';
  if (ref.startsWith('/') || ref.endsWith('/') || ref.includes('//')) return 'it has an empty path component';
  if (ref.includes('..')) return 'it contains ".."';
  if (ref.endsWith('.')) return 'it ends with "."';
  for (const part of ref.split('/')) {
    if (part.startsWith('.')) return `the component "${part}" starts with "."`;
    if (part.startsWith('-')) return `the component "${part}" starts with "-"`;
    if (part.endsWith('.lock')) return `the component "${part}" ends with ".lock"`;
  }
  return undefined;
}

/** A full ref name under `refs/`, e.g. `refs/heads/mcpbox/add-forecast`. */
export function assertRefName(ref: string): string {
  if (typeof ref !== 'string') throw new GitError('invalid_ref', 'A ref name must be a string.');
  const problem = refProblem(ref) ?? (ref.startsWith('refs/') && ref.split('/').length >= 3 ? undefined : 'it must look like refs/<kind>/<name>');
  if (problem) throw new GitError('invalid_ref', `The ref name ${JSON.stringify(ref)} is not allowed: ${problem}.`);
  return ref;
}

/** A short branch name (e.g. `mcpbox/add-forecast`); returns its full ref `refs/heads/…`. */
export function branchRef(branch: string): string {
  if (typeof branch !== 'string') throw new GitError('invalid_ref', 'A branch name must be a string.');
  const problem = refProblem(branch) ?? (branch === 'HEAD' || branch.startsWith('refs/') ? 'use a short branch name such as "mcpbox/my-change"' : undefined);
  if (problem) throw new GitError('invalid_ref', `The branch name ${JSON.stringify(branch)} is not allowed: ${problem}.`);
  return `refs/heads/${branch}`;
}

export function assertSha(sha: string, what = 'commit id'): string {
  if (typeof sha !== 'string' || !SHA.test(sha)) {
    throw new GitError('invalid_argument', `The ${what} ${JSON.stringify(sha)} is not a full 40-character lower-case hex object id.`);
  }
  return sha;
}

export function isSha(value: string): boolean {
  return SHA.test(value);
}

/**
 * A revision to read: a full sha, `HEAD`, a full ref, or a short branch name, optionally followed
 * by ancestry steps (`~2`, `^1`). No other revision syntax reaches git.
 */
export function assertRevision(rev: string): string {
  if (typeof rev !== 'string') throw new GitError('invalid_ref', 'A revision must be a string.');
  const m = /^(.*?)((?:[~^][0-9]{0,3})*)$/.exec(rev);
  const base = m?.[1] ?? '';
  if (base === 'HEAD' || SHA.test(base)) return rev;
  const problem = refProblem(base);
  if (problem) throw new GitError('invalid_ref', `The revision ${JSON.stringify(rev)} is not allowed: ${problem}.`);
  return rev;
}

/** A path inside the repo: relative, `/`-separated, no `.`/`..` components, never into `.git`. */
export function assertRepoPath(path: string): string {
  if (typeof path !== 'string' || path.length === 0) throw new GitError('invalid_path', 'A repo path must be a non-empty string.');
  const fail = (why: string): never => {
    throw new GitError('invalid_path', `The path ${JSON.stringify(path)} is not allowed: ${why}. Use a relative path such as "servers/weather/tools/forecast.py".`);
  };
  if (path.length > MAX_PATH_LENGTH) fail(`it is longer than ${MAX_PATH_LENGTH} characters`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(path)) fail('it contains control characters');
  if (path.includes('\\')) fail('it contains a backslash');
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) fail('it is absolute');
  for (const part of path.split('/')) {
    if (part === '') fail('it has an empty component');
    if (part === '.' || part === '..') fail(`it contains "${part}"`);
    // `.git` in any case, and the spellings Windows/macOS file systems fold into it.
    if (/^\.git[. ]*$/i.test(part) || /^git~\d+$/i.test(part)) fail('it points into .git');
  }
  return path;
}

/** A person's identity as git records it; no angle brackets or newlines that would forge headers. */
export interface GitIdentity {
  name: string;
  email: string;
}

export function assertIdentity(who: GitIdentity, role = 'author'): GitIdentity {
  const bad = (v: unknown) => typeof v !== 'string' || v.trim() === '' || /[<>\n\r\0]/.test(v) || v.length > 200;
  if (who === null || typeof who !== 'object' || bad(who.name) || bad(who.email)) {
    throw new GitError('invalid_argument', `The ${role} identity must have a non-empty name and email without "<", ">" or line breaks.`);
  }
  return { name: who.name.trim(), email: who.email.trim() };
}
