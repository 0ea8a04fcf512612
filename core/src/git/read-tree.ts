// Reads a whole revision into memory with two git processes (after resolving the revision): one
// `ls-tree -r -z` for the listing and one `cat-file --batch --buffer` for every blob; `--buffer`
// stops git flushing after each object. ~150 ms for 10k files.
import type { RepoFile } from '../format/model.ts';
import { GitError } from './errors.ts';
import { resolveCommit } from './resolve.ts';
import { runGit } from './runner.ts';

export interface TreeEntry {
  path: string;
  mode: string;
  blob: string;
}

/** Regular files of `commit` (symlinks and submodules are not part of a tools repo and are skipped). */
export async function listTree(gitDir: string, commit: string): Promise<TreeEntry[]> {
  const { stdout } = await runGit(gitDir, ['ls-tree', '-r', '-z', '--full-tree', '--end-of-options', commit]);
  const entries: TreeEntry[] = [];
  for (const record of stdout.toString('utf8').split('\0')) {
    if (record === '') continue;
    const tab = record.indexOf('\t');
    const [mode = '', type = '', blob = ''] = record.slice(0, tab).split(' ');
    if (type !== 'blob' || (mode !== '100644' && mode !== '100755')) continue;
    entries.push({ path: record.slice(tab + 1), mode, blob });
  }
  return entries;
}

/** Contents of many blobs in one `cat-file --batch`, keyed by blob id. */
export async function readBlobs(gitDir: string, blobs: string[]): Promise<Map<string, Buffer>> {
  const unique = [...new Set(blobs)];
  const result = new Map<string, Buffer>();
  if (unique.length === 0) return result;
  const { stdout } = await runGit(gitDir, ['cat-file', '--batch', '--buffer'], { input: unique.join('\n') + '\n' });
  let at = 0;
  while (at < stdout.length) {
    const eol = stdout.indexOf(0x0a, at);
    if (eol < 0) break;
    const header = stdout.subarray(at, eol).toString('utf8');
    const [id = '', type, sizeText] = header.split(' ');
    if (type === 'missing' || sizeText === undefined) {
      throw new GitError('not_found', `The object ${id} is missing from the repository; run \`git fsck\` on it.`);
    }
    const size = Number(sizeText);
    result.set(id, stdout.subarray(eol + 1, eol + 1 + size));
    at = eol + 1 + size + 1; // content is followed by a newline
  }
  return result;
}

/** Every regular file of `rev` with its blob id and text. */
export async function readTree(gitDir: string, rev: string): Promise<{ commit: string; files: RepoFile[] }> {
  const commit = await resolveCommit(gitDir, rev);
  const entries = await listTree(gitDir, commit);
  const blobs = await readBlobs(gitDir, entries.map((e) => e.blob));
  const files = entries.map((e) => ({ path: e.path, blob: e.blob, content: blobs.get(e.blob)?.toString('utf8') ?? '' }));
  return { commit, files };
}
