// Versions of every tool of a revision from one `git log` (instead of one per tool), and which
// pull request brought each commit: a PR's head, or any commit a merged PR's merge brought in.
import { classifyPath, runGit, toolId, type FileCommit } from '@mcpbox/core';
import type { PullRequest } from '@mcpbox/core';

const LOG_LIMIT = 5000;
const VERSIONS_SHOWN = 20;

/** Versions by tool id ("<server>__<tool>"), newest first, at most VERSIONS_SHOWN each. */
export async function toolVersions(gitDir: string, revision: string): Promise<Map<string, FileCommit[]>> {
  const { stdout } = await runGit(gitDir, ['log', `--max-count=${LOG_LIMIT}`, '--no-renames', '--name-only', '--format=%x1e%H%x1f%an%x1f%ae%x1f%aI%x1f%s', '--end-of-options', revision, '--', 'servers']);
  const byTool = new Map<string, FileCommit[]>();
  for (const record of stdout.toString('utf8').split('\x1e')) {
    if (record.trim() === '') continue;
    const [header = '', ...paths] = record.split('\n');
    const [commit = '', author = '', email = '', date = '', message = ''] = header.split('\x1f');
    const seen = new Set<string>();
    for (const path of paths) {
      const file = classifyPath(path);
      if (file.kind !== 'tool_code' && file.kind !== 'tool_meta') continue;
      const id = toolId(file.server, file.tool);
      if (seen.has(id)) continue;
      seen.add(id);
      const list = byTool.get(id) ?? [];
      if (list.length < VERSIONS_SHOWN) list.push({ commit, author, email, date, message });
      byTool.set(id, list);
    }
  }
  return byTool;
}

/** Commits a merged PR brought to main never change, so this cache outlives revisions. */
export class PullMembership {
  readonly #merged = new Map<string, string[]>();
  readonly #gitDir: string;

  constructor(gitDir: string) {
    this.#gitDir = gitDir;
  }

  async byCommit(pulls: readonly PullRequest[]): Promise<Map<string, number>> {
    const map = new Map<string, number>();
    for (const pull of pulls) {
      if (pull.state !== 'merged' || !pull.mergeCommit) continue;
      for (const commit of await this.#broughtIn(pull.mergeCommit)) if (!map.has(commit)) map.set(commit, pull.number);
    }
    for (const pull of pulls) if (pull.head && !map.has(pull.head)) map.set(pull.head, pull.number);
    return map;
  }

  async #broughtIn(merge: string): Promise<string[]> {
    const cached = this.#merged.get(merge);
    if (cached) return cached;
    // A merge's second parent is the PR's branch; what it adds over the first parent is the PR.
    // A fast-forward (one parent) makes rev-list fail: such a merge brought nothing we can attribute.
    const result = await runGit(this.#gitDir, ['rev-list', '--max-count=200', `${merge}^2`, `^${merge}^1`, '--']).catch(() => null);
    const commits = result ? result.stdout.toString('utf8').split('\n').filter(Boolean) : [];
    this.#merged.set(merge, commits);
    return commits;
  }
}
