// When main's head was committed (the merge, for a merged pull request), for merge-to-apply latency.
import { execFile } from 'node:child_process';

export function commitTime(gitDir: string): (revision: string) => Promise<number | null> {
  return (revision) =>
    new Promise((resolve) => {
      if (!/^[0-9a-f]{40,64}$/.test(revision)) return resolve(null);
      execFile('git', ['--git-dir', gitDir, 'show', '-s', '--format=%ct', revision], { timeout: 10_000 }, (err, stdout) => {
        const seconds = Number(stdout.trim());
        resolve(err || !Number.isFinite(seconds) || seconds <= 0 ? null : seconds);
      });
    });
}
