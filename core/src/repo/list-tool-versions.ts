// The versions of a tool are the commits that touched its code or its metadata file.
import { GitError } from '../git/errors.ts';
import { fileHistory, type HistoryEntry } from '../git/file-history.ts';

// DESIGN §2 names: lower-case words joined by single underscores, so `<server>__<tool>` is unambiguous.
const NAME = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;

export async function listToolVersions(gitDir: string, server: string, tool: string, rev = 'refs/heads/main'): Promise<HistoryEntry[]> {
  for (const [what, name] of [['server', server], ['tool', tool]] as const) {
    if (typeof name !== 'string' || !NAME.test(name) || name.length > 64) {
      throw new GitError('invalid_argument', `The ${what} name ${JSON.stringify(name)} is not valid: use lower-case letters, digits and single underscores (e.g. "weather").`);
    }
  }
  const base = `servers/${server}/tools/${tool}`;
  return fileHistory(gitDir, [`${base}.py`, `${base}.yaml`], rev);
}
