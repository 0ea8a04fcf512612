// A multi-file commit on GitHub through the Git Database API: tree (on the head's tree; `sha: null`
// deletes) → commit → ref update with `force: false`. GitHub refuses a non-fast-forward update with
// 422, which makes the last step a compare-and-swap: with `expectedHead` the caller gets a conflict;
// without it, the commit is rebuilt on the new head and tried again.
import { GitError, isGitError } from '../../git/errors.ts';
import { composeMessage } from '../../git/write-commit.ts';
import { parseInput } from '../errors.ts';
import type { CommitChangesResponse } from '../forge.ts';
import { commitChangesInput } from '../operations/commit-changes.ts';
import { branchHead } from './branches.ts';
import { assertGatewayBranch } from '../../repo/mirror-forge.ts';
import type { GitHubContext } from './github-context.ts';

const RACE_DEADLINE_MS = 30_000;

export async function commitChanges(ctx: GitHubContext, raw: unknown): Promise<CommitChangesResponse> {
  const input = parseInput('commitChanges', commitChangesInput, raw);
  assertGatewayBranch(input.branch);
  const o = { owner: ctx.owner, repo: ctx.repo };
  const message = composeMessage({ message: input.message, ...(input.trailers ? { trailers: input.trailers } : {}) });
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    const head = await branchHead(ctx, input.branch);
    if (input.expectedHead !== undefined && head !== input.expectedHead) {
      throw new GitError('conflict', `The branch ${input.branch} moved (now ${head.slice(0, 12)}); re-read it and try again.`);
    }
    const base = await ctx.call('reading the head commit', () => ctx.octokit.rest.git.getCommit({ ...o, commit_sha: head }));
    const tree = await ctx.call('writing the tree', () =>
      ctx.octokit.rest.git.createTree({
        ...o,
        base_tree: base.data.tree.sha,
        tree: input.changes.map((c) =>
          c.content === null ? { path: c.path, mode: '100644' as const, type: 'blob' as const, sha: null } : { path: c.path, mode: '100644' as const, type: 'blob' as const, content: c.content },
        ),
      }),
    );
    const commit = await ctx.call('writing the commit', () =>
      ctx.octokit.rest.git.createCommit({
        ...o,
        message,
        tree: tree.data.sha,
        parents: [head],
        ...(input.author ? { author: { name: input.author.name, email: input.author.email } } : {}),
      }),
    );
    try {
      await ctx.call(`moving ${input.branch}`, () => ctx.octokit.rest.git.updateRef({ ...o, ref: `heads/${input.branch}`, sha: commit.data.sha, force: false }), { race: true });
    } catch (err) {
      if (!isGitError(err, 'conflict') || input.expectedHead !== undefined || Date.now() - started > RACE_DEADLINE_MS) throw err;
      await new Promise((r) => setTimeout(r, Math.min(500, 20 * 2 ** attempt) * (0.5 + Math.random())));
      continue;
    }
    await ctx.reads.refresh();
    return { branch: input.branch, commit: commit.data.sha, parent: head };
  }
}
