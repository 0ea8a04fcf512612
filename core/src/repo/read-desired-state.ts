// A revision of the tools repo as the desired state: read the tree (two git processes), then parse
// and validate it as a whole. Problems are data in the result, not exceptions; only git failures throw.
import { parseRepoFiles } from '../format/index.ts';
import type { DesiredState } from '../format/model.ts';
import { readTree } from '../git/read-tree.ts';

export async function readDesiredState(gitDir: string, rev = 'refs/heads/main'): Promise<DesiredState> {
  const { commit, files } = await readTree(gitDir, rev);
  return parseRepoFiles(commit, files);
}
