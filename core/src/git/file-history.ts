// `git log` of one or more paths: the versions of a tool are simply its commits. Paths are taken
// literally (`--literal-pathspecs`), so `*` or `:(glob)` in a name is never pathspec magic.
import { runGit } from './runner.ts';
import { assertRepoPath, assertRevision } from './validate.ts';

export interface FileCommit {
  commit: string;
  author: string;
  email: string;
  date: string; // ISO 8601 with offset
  message: string;
}

export async function fileHistory(gitDir: string, paths: string | string[], rev = 'refs/heads/main', options: { limit?: number } = {}): Promise<FileCommit[]> {
  assertRevision(rev);
  const list = (Array.isArray(paths) ? paths : [paths]).map((p) => assertRepoPath(p));
  const limit = options.limit === undefined ? [] : [`--max-count=${Math.max(1, Math.floor(options.limit))}`];
  const { stdout } = await runGit(gitDir, ['--literal-pathspecs', 'log', '-z', '--format=%H%x1f%an%x1f%ae%x1f%aI%x1f%B', ...limit, '--end-of-options', rev, '--', ...list]);
  const entries: FileCommit[] = [];
  for (const record of stdout.toString('utf8').split('\0')) {
    if (record === '') continue;
    const fields = record.split('\x1f');
    entries.push({
      commit: fields[0] ?? '',
      author: fields[1] ?? '',
      email: fields[2] ?? '',
      date: fields[3] ?? '',
      message: fields.slice(4).join('\x1f').trimEnd(),
    });
  }
  return entries;
}
