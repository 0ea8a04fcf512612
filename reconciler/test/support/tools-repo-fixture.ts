// A real tools repo for tests: a bare repo (what the reconciler reads) plus a work-tree clone where
// tests write files, commit and push with the plain git CLI — the same path an admin's push takes.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Admin',
  GIT_AUTHOR_EMAIL: 'admin@example.test',
  GIT_COMMITTER_NAME: 'Admin',
  GIT_COMMITTER_EMAIL: 'admin@example.test',
  GIT_CONFIG_NOSYSTEM: '1',
  HOME: '/nonexistent',
};

export const BASE_FILES: Record<string, string> = {
  'mcpbox.yaml': 'apiVersion: mcpbox/v1\ndefaults:\n  timeout_ms: 30000\n  memory_mb: 256\nallow_empty: false\n',
  'policy/modules.yaml': 'allowed: []\n',
  'policy/network.yaml': 'grants: []\n',
};

export function serverFile(description = 'test server'): string {
  return `description: ${description}\nenabled: true\nsecrets: []\n`;
}

export function toolCode(param = 'text', doc = 'Count things.'): string {
  return `async def main(${param}: str, times: int = 1) -> dict:\n    """${doc}"""\n    return {"n": len(${param}) * times}\n`;
}

export class ToolsRepoFixture {
  readonly gitDir: string;
  readonly work: string;

  constructor(root: string) {
    this.gitDir = join(root, 'repo.git');
    this.work = join(root, 'work');
    git(root, 'init', '--bare', '--initial-branch=main', this.gitDir);
    git(root, 'init', '--initial-branch=main', this.work);
    git(this.work, 'remote', 'add', 'origin', this.gitDir);
  }

  /** Write (string) or delete (null) files, commit on the current branch and push it. Returns the sha. */
  commit(files: Record<string, string | null>, message = 'change', branch = 'main'): string {
    for (const [path, content] of Object.entries(files)) {
      const full = join(this.work, path);
      if (content === null) rmSync(full, { force: true });
      else {
        mkdirSync(dirname(full), { recursive: true });
        writeFileSync(full, content);
      }
    }
    git(this.work, 'add', '-A');
    git(this.work, 'commit', '-q', '--allow-empty', '-m', message);
    git(this.work, 'push', '-q', 'origin', `HEAD:refs/heads/${branch}`);
    return this.head();
  }

  head(): string {
    return git(this.work, 'rev-parse', 'HEAD');
  }

  /** Run git in the work tree (merge, revert, reset, push --force …). */
  git(...args: string[]): string {
    return git(this.work, ...args);
  }

  /** Run git on the bare repo (gc, update-ref …). */
  bare(...args: string[]): string {
    return git(this.gitDir, ...args);
  }
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}
