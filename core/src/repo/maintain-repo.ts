// Housekeeping for the embedded repo. Our plumbing (fast-import, commit-tree, update-ref) never
// triggers git's automatic gc the way porcelain commands do, so loose objects, small packs and the
// unreferenced scratch commits of reverts would pile up. `git gc --auto` does nothing until git's
// own thresholds are reached and keeps the default two-week grace period for unreferenced objects,
// so it is safe to call while other processes write.
import { runGit } from '../git/runner.ts';

export async function maintainRepo(gitDir: string): Promise<void> {
  await runGit(gitDir, ['gc', '--auto', '--quiet']);
}
