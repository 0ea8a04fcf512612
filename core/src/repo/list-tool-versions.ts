// The versions of a tool are the commits that touched its code or its metadata file.
import { GitError } from '../git/errors.ts';
import { fileHistory, type FileCommit } from '../git/file-history.ts';
import { isValidName } from '../format/names.ts';
import { toolCodePath, toolMetaPath } from '../format/repo-paths.ts';

export async function listToolVersions(gitDir: string, server: string, tool: string, rev = 'refs/heads/main'): Promise<FileCommit[]> {
  for (const [what, name] of [['server', server], ['tool', tool]] as const) {
    if (typeof name !== 'string' || !isValidName(name)) {
      throw new GitError('invalid_argument', `The ${what} name ${JSON.stringify(name)} is not valid: use lower-case letters, digits and single underscores (e.g. "weather").`);
    }
  }
  return fileHistory(gitDir, [toolCodePath(server, tool), toolMetaPath(server, tool)], rev);
}
