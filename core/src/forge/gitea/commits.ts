// A multi-file commit on Gitea/Forgejo: one ChangeFiles call (POST /contents). Updates and deletes
// carry the blob id each file had at the head the change was decided on (read from the mirror), so
// Gitea refuses the commit if any of those files changed meanwhile; a moved head is checked first.
import { GitError } from '../../git/errors.ts';
import { listTree } from '../../git/read-tree.ts';
import { composeMessage } from '../../git/write-commit.ts';
import { parseInput } from '../errors.ts';
import type { CommitChangesResponse } from '../forge.ts';
import { commitChangesInput } from '../operations/commit-changes.ts';
import { assertGatewayBranch } from '../../repo/mirror-forge.ts';
import { branchHead } from './branches.ts';
import type { GiteaContext, GiteaFilesResponse } from './gitea-client.ts';

interface FileOperation {
  operation: 'create' | 'update' | 'delete';
  path: string;
  content?: string;
  sha?: string;
}

export async function commitChanges(ctx: GiteaContext, raw: unknown): Promise<CommitChangesResponse> {
  const input = parseInput('commitChanges', commitChangesInput, raw);
  assertGatewayBranch(input.branch);
  const head = await branchHead(ctx, input.branch);
  if (input.expectedHead !== undefined && head !== input.expectedHead) {
    throw new GitError('conflict', `The branch ${input.branch} moved (now ${head.slice(0, 12)}); re-read it and try again.`);
  }
  if (!(await ctx.mirror.has(head))) await ctx.reads.refresh();
  const blobs = new Map((await listTree(ctx.mirror.gitDir, head)).map((e) => [e.path, e.blob]));
  const files = input.changes.flatMap((c): FileOperation[] => {
    const sha = blobs.get(c.path);
    if (c.content === null) return sha === undefined ? [] : [{ operation: 'delete' as const, path: c.path, sha }];
    const content = Buffer.from(c.content, 'utf8').toString('base64');
    return sha === undefined ? [{ operation: 'create' as const, path: c.path, content }] : [{ operation: 'update' as const, path: c.path, content, sha }];
  });
  if (files.length === 0) return { branch: input.branch, commit: head, parent: head };
  const who = input.author ? { name: input.author.name, email: input.author.email } : undefined;
  const data = await ctx.request<GiteaFilesResponse>(
    `committing to ${input.branch}`,
    'POST',
    '/contents',
    { branch: input.branch, message: composeMessage({ message: input.message, ...(input.trailers ? { trailers: input.trailers } : {}) }), files, ...(who ? { author: who } : {}) },
    { race: true },
  );
  await ctx.reads.refresh();
  return { branch: input.branch, commit: data.commit.sha, parent: head };
}
