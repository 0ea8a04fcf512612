// Reading and moving refs. `updateRefs` is one `update-ref --stdin` transaction: every update
// carries the value it expects (compare-and-swap), and either all land or none do. It is the only
// writer that is safe across processes (measured: isomorphic-git lost concurrent writes).
import { GitError } from './errors.ts';
import { runGit } from './runner.ts';
import { assertRefName, assertSha, ZERO_SHA } from './validate.ts';

export interface RefUpdate {
  ref: string; // full name, refs/…
  /** New value; null deletes the ref. */
  next: string | null;
  /** Value the ref must have now; null means it must not exist yet; undefined skips the check (derived refs only). */
  expected: string | null | undefined;
}

export interface RefInfo {
  ref: string;
  sha: string;
}

export async function listRefs(gitDir: string, prefix: string): Promise<RefInfo[]> {
  if (!/^refs\/[A-Za-z0-9._/-]*$/.test(prefix) || prefix.includes('..')) {
    throw new GitError('invalid_ref', `The ref prefix ${JSON.stringify(prefix)} is not allowed: it must start with "refs/" and use only letters, digits, ".", "_", "-" and "/".`);
  }
  const { stdout } = await runGit(gitDir, ['for-each-ref', '--format=%(objectname) %(refname)', '--end-of-options', prefix]);
  return stdout
    .toString('utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => ({ sha: line.slice(0, 40), ref: line.slice(41) }));
}

/** Applies every update atomically with compare-and-swap; a moved ref gives a `conflict` GitError. */
export async function updateRefs(gitDir: string, updates: RefUpdate[], reason = 'mcpbox'): Promise<void> {
  if (updates.length === 0) return;
  const lines = updates.map((u) => {
    assertRefName(u.ref);
    const expected = u.expected === undefined ? '' : ' ' + (u.expected === null ? ZERO_SHA : assertSha(u.expected));
    if (u.next === null) return `delete ${u.ref}${expected}\n`;
    return `update ${u.ref} ${assertSha(u.next)}${expected}\n`;
  });
  await runGit(gitDir, ['update-ref', '-m', reason.replace(/[\r\n]+/g, ' ').slice(0, 200), '--stdin'], { input: lines.join('') });
}
