// When main's head was committed (the merge, for a merged pull request), for merge-to-apply latency.
import { committedAt, isSha } from '@mcpbox/core';

export function commitTime(gitDir: string): (revision: string) => Promise<number | null> {
  return async (revision) => {
    if (!isSha(revision)) return null;
    // A revision that cannot be read leaves the latency unmeasured; it never fails the reconcile.
    const seconds = await committedAt(gitDir, revision).catch(() => null);
    return seconds !== null && Number.isFinite(seconds) && seconds > 0 ? seconds : null;
  };
}
