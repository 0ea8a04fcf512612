// Real bare repositories in a temp dir for tests; removed by `cleanup()`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TempRepos {
  root: string;
  bare(name?: string): string;
  cleanup(): void;
}

export function tempRepos(prefix = 'mcpbox-git-'): TempRepos {
  const root = mkdtempSync(join(tmpdir(), prefix));
  let n = 0;
  return {
    root,
    bare(name = `repo-${n++}.git`) {
      const dir = join(root, name);
      execFileSync('git', ['init', '--quiet', '--bare', '--initial-branch=main', dir]);
      return dir;
    },
    cleanup() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export function git(gitDir: string, ...args: string[]): string {
  return execFileSync('git', [`--git-dir=${gitDir}`, ...args], { encoding: 'utf8' }).trim();
}
