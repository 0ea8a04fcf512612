// The Gitea/Forgejo API v1 dialect of the fake forge (the operations the adapter uses), over the
// same repo and records as the GitHub dialect. Shapes follow gitea-swagger.json.
import type { FakeForgeCore, Handler } from './fake-forge.ts';
import { HttpError } from './fake-forge.ts';
import { now, type FakePull } from './forge-state.ts';

const user = (login: string) => ({ id: login.length, login, full_name: login, email: `${login}@noreply.forge.test`, avatar_url: '' });

export function giteaHandlers(forge: FakeForgeCore): Record<string, Handler> {
  const web = `${forge.baseUrl()}/${forge.owner}/${forge.repo}`;
  const branchObject = (name: string, sha: string) => ({ name, commit: { id: sha, message: '', url: `${web}/commit/${sha}` }, protected: name === 'main' });
  const pullObject = async (p: FakePull) => {
    const head = p.frozenHead ?? (await forge.repo_.head(p.head)) ?? '';
    const base = (await forge.repo_.head(p.base)) ?? '';
    return {
      id: p.number * 1000,
      number: p.number,
      title: p.title,
      body: p.body,
      state: p.state,
      html_url: `${web}/pulls/${p.number}`,
      url: `${web}/pulls/${p.number}`,
      user: user(p.user),
      merged: p.merged,
      mergeable: p.state === 'open',
      ...(p.merged ? { merged_at: p.mergedAt!, merge_commit_sha: p.mergeCommit!, merged_by: user(p.mergedBy ?? 'admin') } : {}),
      head: { label: p.head, ref: p.head, repo_id: 1, sha: head },
      base: { label: p.base, ref: p.base, repo_id: 1, sha: base },
      created_at: p.createdAt,
      updated_at: p.updatedAt,
      ...(p.closedAt ? { closed_at: p.closedAt } : {}),
    };
  };
  const commentObject = (c: { id: number; body: string; user: string; createdAt: string; issue: number }) => ({
    id: c.id,
    body: c.body,
    user: user(c.user),
    html_url: `${web}/pulls/${c.issue}#issuecomment-${c.id}`,
    created_at: c.createdAt,
    updated_at: c.createdAt,
  });
  const statusObject = (s: { id: number; state: string; context: string; description: string; targetUrl: string | null; createdAt: string; user: string }) => ({
    id: s.id,
    status: s.state,
    context: s.context,
    description: s.description,
    target_url: s.targetUrl ?? '',
    url: `${web}/statuses/${s.id}`,
    creator: user(s.user),
    created_at: s.createdAt,
    updated_at: s.createdAt,
  });
  const mustPull = (n: string) => {
    const p = forge.state.pull(Number(n));
    if (!p) throw new HttpError(404, 'The target couldn\'t be found.');
    return p;
  };

  return {
    repoGetBranch: async ({ params }) => {
      const sha = await forge.repo_.head(params.branch!);
      if (!sha) throw new HttpError(404, 'The target couldn\'t be found.');
      return { status: 200, body: branchObject(params.branch!, sha) };
    },
    repoCreateBranch: async ({ body }) => {
      const { new_branch_name, old_branch_name } = body as { new_branch_name: string; old_branch_name?: string };
      forge.guardMain(new_branch_name);
      const from = await forge.repo_.head(old_branch_name ?? 'main');
      if (!from) throw new HttpError(404, 'The old branch does not exist');
      if (!(await forge.repo_.moveBranch(new_branch_name, from, null))) throw new HttpError(409, 'The branch already exists.');
      return { status: 201, body: branchObject(new_branch_name, from) };
    },
    repoDeleteBranch: async ({ params }) => {
      forge.guardMain(params.branch!);
      const current = await forge.repo_.head(params.branch!);
      if (!current || !(await forge.repo_.moveBranch(params.branch!, null, current))) throw new HttpError(404, 'Branch doesn\'t exist.');
      return { status: 204 };
    },
    repoChangeFiles: async ({ body }) => {
      const input = body as { branch?: string; new_branch?: string; message?: string; author?: { name?: string; email?: string }; files: Array<{ operation: string; path: string; content?: string; sha?: string }> };
      const branch = input.branch ?? 'main';
      const target = input.new_branch ?? branch;
      forge.guardMain(target);
      const head = await forge.repo_.head(branch);
      if (!head) throw new HttpError(404, `branch ${branch} does not exist`);
      if (input.new_branch && (await forge.repo_.head(input.new_branch))) throw new HttpError(422, `branch already exists [name: ${input.new_branch}]`);
      const blobs = await forge.repo_.blobs(head);
      const edits = input.files.map((f) => {
        const existing = blobs.get(f.path);
        if (f.operation === 'create') {
          if (existing) throw new HttpError(422, `repository file already exists [path: ${f.path}]`);
          return { path: f.path, content: Buffer.from(f.content ?? '', 'base64').toString('utf8') };
        }
        if (!existing) throw new HttpError(404, `repository file does not exist [path: ${f.path}]`);
        if (f.sha !== existing) throw new HttpError(409, `sha does not match [given: ${f.sha}, expected: ${existing}]`);
        return { path: f.path, content: f.operation === 'delete' ? null : Buffer.from(f.content ?? '', 'base64').toString('utf8') };
      });
      const tree = await forge.repo_.buildTree(await forge.repo_.treeOf(head), edits);
      const author = input.author?.name && input.author.email ? { name: input.author.name, email: input.author.email } : undefined;
      const commit = await forge.repo_.commit(tree, [head], input.message ?? 'Update files', author);
      if (!(await forge.repo_.moveBranch(target, commit, input.new_branch ? null : head))) throw new HttpError(409, 'the branch moved; try again');
      return { status: 201, body: { commit: { sha: commit, url: `${web}/commit/${commit}`, html_url: `${web}/commit/${commit}`, message: input.message ?? '', parents: [{ sha: head, url: '' }] }, files: [], verification: {} } };
    },
    repoCreatePullRequest: async ({ body }) => {
      const { head, base, title, body: text } = body as { head: string; base: string; title: string; body?: string };
      const headSha = await forge.repo_.head(head);
      const baseSha = await forge.repo_.head(base);
      if (!headSha || !baseSha) throw new HttpError(404, 'head or base branch does not exist');
      if (forge.state.pulls.some((p) => p.state === 'open' && p.head === head)) throw new HttpError(409, 'pull request already exists for these targets');
      if (await forge.repo_.isAncestor(headSha, baseSha)) throw new HttpError(422, 'There are no changes between the head and the base');
      const t = now();
      const pull: FakePull = { number: forge.state.nextNumber(), title, body: text ?? '', head, base, state: 'open', merged: false, user: forge.botUser, createdAt: t, updatedAt: t };
      forge.state.pulls.push(pull);
      return { status: 201, body: await pullObject(pull) };
    },
    repoListPullRequests: async ({ query }) => {
      const state = query.get('state') ?? 'open';
      return { status: 200, body: await Promise.all(forge.state.pulls.filter((p) => state === 'all' || p.state === state).map(pullObject)) };
    },
    repoGetPullRequest: async ({ params }) => ({ status: 200, body: await pullObject(mustPull(params.index!)) }),
    repoEditPullRequest: async ({ params, body }) => {
      const pull = mustPull(params.index!);
      const { state } = body as { state?: string };
      if (state === 'closed' && pull.state === 'open') await forge.close(pull);
      pull.updatedAt = now();
      return { status: 201, body: await pullObject(pull) };
    },
    repoMergePullRequest: async ({ params, body }) => {
      const pull = mustPull(params.index!);
      const { Do, head_commit_id } = body as { Do: string; head_commit_id?: string };
      if (pull.merged) throw new HttpError(405, 'The PR is already merged');
      if (pull.state !== 'open') throw new HttpError(405, 'Please try again later');
      if (Do !== 'merge') throw new HttpError(405, 'This fake merges with merge commits only');
      if (head_commit_id && head_commit_id !== (await forge.repo_.head(pull.head))) throw new HttpError(409, 'head out of date');
      await forge.merge(pull, 'admin');
      return { status: 200 };
    },
    issueCreateComment: async ({ params, body }) => {
      mustPull(params.index!);
      const c = { id: forge.state.nextId(), issue: Number(params.index), body: (body as { body: string }).body, user: forge.botUser, createdAt: now() };
      forge.state.comments.push(c);
      return { status: 201, body: commentObject(c) };
    },
    issueGetComments: async ({ params }) => {
      mustPull(params.index!);
      return { status: 200, body: forge.state.comments.filter((c) => c.issue === Number(params.index)).map(commentObject) };
    },
    repoCreateStatus: async ({ params, body }) => {
      const { state, context, description, target_url } = body as { state?: string; context?: string; description?: string; target_url?: string };
      if (!(await forge.repo_.hasObject(params.sha!, 'commit'))) throw new HttpError(404, 'commit does not exist');
      const s = { id: forge.state.nextId(), sha: params.sha!, state: state ?? 'pending', context: context ?? 'default', description: description ?? '', targetUrl: target_url ?? null, user: forge.botUser, createdAt: now() };
      forge.state.statuses.push(s);
      return { status: 201, body: statusObject(s) };
    },
    repoListStatuses: async ({ params }) => ({ status: 200, body: forge.state.statuses.filter((s) => s.sha === params.sha).reverse().map(statusObject) }),
  };
}
