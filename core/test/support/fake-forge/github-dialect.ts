// The GitHub REST dialect of the fake forge (the operations the adapter uses), over the real
// bare repo. Shapes follow GitHub's OpenAPI description; contract.ts checks them both ways.
import type { FakeForgeCore, Handler } from './fake-forge.ts';
import { HttpError } from './fake-forge.ts';
import { now, type FakePull } from './forge-state.ts';

function user(login: string) {
  return { login, id: login.length, node_id: `U_${login}`, avatar_url: '', gravatar_id: null, url: '', html_url: '', followers_url: '', following_url: '', gists_url: '', starred_url: '', subscriptions_url: '', organizations_url: '', repos_url: '', events_url: '', received_events_url: '', type: 'User', site_admin: false };
}

export function githubHandlers(forge: FakeForgeCore): Record<string, Handler> {
  const api = `${forge.baseUrl()}/api/v3/repos/${forge.owner}/${forge.repo}`;
  const refObject = (ref: string, sha: string) => ({ ref, node_id: `REF_${sha}`, url: `${api}/git/refs/${ref.slice(5)}`, object: { type: 'commit', sha, url: `${api}/git/commits/${sha}` } });
  const commitObject = async (sha: string) => {
    const c = await forge.repo_.describeCommit(sha);
    const person = (p: { name: string; email: string; date: string }) => ({ name: p.name, email: p.email, date: p.date });
    return {
      sha,
      node_id: `C_${sha}`,
      url: `${api}/git/commits/${sha}`,
      html_url: `${forge.baseUrl()}/${forge.owner}/${forge.repo}/commit/${sha}`,
      author: person(c.author),
      committer: person(c.committer),
      message: c.message,
      tree: { sha: c.tree, url: `${api}/git/trees/${c.tree}` },
      parents: c.parents.map((p) => ({ sha: p, url: `${api}/git/commits/${p}`, html_url: `${forge.baseUrl()}/${forge.owner}/${forge.repo}/commit/${p}` })),
      verification: { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
    };
  };
  const pullObject = async (p: FakePull, single: boolean) => {
    const head = p.frozenHead ?? (await forge.repo_.head(p.head)) ?? null;
    const base = (await forge.repo_.head(p.base)) ?? '';
    return {
      url: `${api}/pulls/${p.number}`,
      id: p.number * 1000,
      node_id: `PR_${p.number}`,
      html_url: `${forge.baseUrl()}/${forge.owner}/${forge.repo}/pull/${p.number}`,
      number: p.number,
      state: p.state,
      locked: false,
      title: p.title,
      body: p.body,
      user: user(p.user),
      created_at: p.createdAt,
      updated_at: p.updatedAt,
      closed_at: p.closedAt ?? null,
      merged_at: p.mergedAt ?? null,
      merge_commit_sha: p.mergeCommit ?? null,
      draft: false,
      head: { label: `${forge.owner}:${p.head}`, ref: p.head, sha: head ?? '', user: user(forge.owner) },
      base: { label: `${forge.owner}:${p.base}`, ref: p.base, sha: base, user: user(forge.owner) },
      ...(single ? { merged: p.merged, mergeable: p.state === 'open' ? true : null, merged_by: p.mergedBy ? user(p.mergedBy) : null, comments: forge.state.comments.filter((c) => c.issue === p.number).length, commits: 1, additions: 0, deletions: 0, changed_files: 0 } : {}),
    };
  };
  const commentObject = (c: { id: number; body: string; user: string; createdAt: string; issue: number }) => ({
    id: c.id,
    node_id: `IC_${c.id}`,
    url: `${api}/issues/comments/${c.id}`,
    html_url: `${forge.baseUrl()}/${forge.owner}/${forge.repo}/pull/${c.issue}#issuecomment-${c.id}`,
    body: c.body,
    user: user(c.user),
    created_at: c.createdAt,
    updated_at: c.createdAt,
    issue_url: `${api}/issues/${c.issue}`,
    author_association: 'CONTRIBUTOR',
  });
  const statusObject = (s: { id: number; state: string; context: string; description: string; targetUrl: string | null; createdAt: string; user: string }) => ({
    url: `${api}/statuses/${s.id}`,
    avatar_url: null,
    id: s.id,
    node_id: `ST_${s.id}`,
    state: s.state,
    description: s.description,
    target_url: s.targetUrl,
    context: s.context,
    created_at: s.createdAt,
    updated_at: s.createdAt,
    creator: user(s.user),
  });
  const branchOf = (ref: string) => {
    if (!ref.startsWith('heads/')) throw new HttpError(404, 'Not Found');
    return ref.slice('heads/'.length);
  };
  const mustPull = (n: string) => {
    const p = forge.state.pull(Number(n));
    if (!p) throw new HttpError(404, 'Not Found');
    return p;
  };

  return {
    'git/get-ref': async ({ params }) => {
      const branch = branchOf(params.ref!);
      const sha = await forge.repo_.head(branch);
      if (!sha) throw new HttpError(404, 'Not Found');
      return { status: 200, body: refObject(`refs/heads/${branch}`, sha) };
    },
    'git/create-ref': async ({ body }) => {
      const { ref, sha } = body as { ref: string; sha: string };
      if (!ref.startsWith('refs/heads/')) throw new HttpError(422, 'Reference name must start with refs/heads/ in this fake');
      if (!(await forge.repo_.hasObject(sha, 'commit'))) throw new HttpError(422, 'Object does not exist');
      forge.guardMain(ref.slice('refs/heads/'.length));
      if (!(await forge.repo_.moveBranch(ref.slice('refs/heads/'.length), sha, null))) throw new HttpError(422, 'Reference already exists');
      return { status: 201, body: refObject(ref, sha) };
    },
    'git/update-ref': async ({ params, body }) => {
      const branch = branchOf(params.ref!);
      const { sha, force } = body as { sha: string; force?: boolean };
      forge.guardMain(branch);
      const current = await forge.repo_.head(branch);
      if (!current) throw new HttpError(422, 'Reference does not exist');
      if (!(await forge.repo_.hasObject(sha, 'commit'))) throw new HttpError(422, 'Object does not exist');
      if (!force && !(await forge.repo_.isAncestor(current, sha))) throw new HttpError(422, 'Update is not a fast forward');
      if (!(await forge.repo_.moveBranch(branch, sha, current))) throw new HttpError(422, 'Update is not a fast forward');
      return { status: 200, body: refObject(`refs/heads/${branch}`, sha) };
    },
    'git/delete-ref': async ({ params }) => {
      const branch = branchOf(params.ref!);
      forge.guardMain(branch);
      const current = await forge.repo_.head(branch);
      if (!current || !(await forge.repo_.moveBranch(branch, null, current))) throw new HttpError(422, 'Reference does not exist');
      return { status: 204 };
    },
    'git/get-commit': async ({ params }) => {
      if (!(await forge.repo_.hasObject(params.commit_sha!, 'commit'))) throw new HttpError(404, 'Not Found');
      return { status: 200, body: await commitObject(params.commit_sha!) };
    },
    'git/create-tree': async ({ body }) => {
      const { base_tree, tree } = body as { base_tree?: string; tree: Array<{ path: string; content?: string; sha?: string | null }> };
      if (base_tree && !(await forge.repo_.hasObject(base_tree, 'tree'))) throw new HttpError(422, 'Invalid base_tree');
      const edits = tree.map((e) => {
        if (e.content !== undefined) return { path: e.path, content: e.content };
        if (e.sha === null) return { path: e.path, content: null };
        throw new HttpError(422, 'This fake supports tree entries with content or sha: null only');
      });
      const sha = await forge.repo_.buildTree(base_tree, edits);
      return { status: 201, body: { sha, url: `${api}/git/trees/${sha}`, truncated: false, tree: [] } };
    },
    'git/create-commit': async ({ body }) => {
      const { message, tree, parents, author } = body as { message: string; tree: string; parents: string[]; author?: { name: string; email: string } };
      if (!(await forge.repo_.hasObject(tree, 'tree'))) throw new HttpError(422, 'Tree SHA does not exist');
      for (const p of parents) if (!(await forge.repo_.hasObject(p, 'commit'))) throw new HttpError(422, 'Parent SHA does not exist or is not a commit object');
      const sha = await forge.repo_.commit(tree, parents, message, author);
      return { status: 201, body: await commitObject(sha) };
    },
    'pulls/create': async ({ body }) => {
      const { head, base, title, body: text } = body as { head: string; base: string; title: string; body?: string };
      const headSha = await forge.repo_.head(head);
      const baseSha = await forge.repo_.head(base);
      if (!headSha || !baseSha) throw new HttpError(422, 'Validation Failed: head or base does not exist');
      if (await forge.repo_.isAncestor(headSha, baseSha)) throw new HttpError(422, `Validation Failed: No commits between ${base} and ${head}`);
      if (forge.state.pulls.some((p) => p.state === 'open' && p.head === head)) throw new HttpError(422, `Validation Failed: A pull request already exists for ${forge.owner}:${head}.`);
      const t = now();
      const pull: FakePull = { number: forge.state.nextNumber(), title, body: text ?? '', head, base, state: 'open', merged: false, user: forge.botUser, createdAt: t, updatedAt: t };
      forge.state.pulls.push(pull);
      return { status: 201, body: await pullObject(pull, true) };
    },
    'pulls/list': async ({ query }) => {
      const state = query.get('state') ?? 'open';
      const head = query.get('head');
      const pulls = forge.state.pulls.filter((p) => (state === 'all' || p.state === state) && (!head || `${forge.owner}:${p.head}` === head));
      return { status: 200, body: await Promise.all(pulls.map((p) => pullObject(p, false))) };
    },
    'pulls/get': async ({ params }) => ({ status: 200, body: await pullObject(mustPull(params.pull_number!), true) }),
    'pulls/update': async ({ params, body }) => {
      const pull = mustPull(params.pull_number!);
      const { state, title, body: text } = body as { state?: 'open' | 'closed'; title?: string; body?: string };
      if (state === 'closed' && pull.state === 'open') await forge.close(pull);
      if (title !== undefined) pull.title = title;
      if (text !== undefined) pull.body = text;
      pull.updatedAt = now();
      return { status: 200, body: await pullObject(pull, true) };
    },
    'pulls/merge': async ({ params, body }) => {
      const pull = mustPull(params.pull_number!);
      const { sha, merge_method } = body as { sha?: string; merge_method?: string };
      if (pull.state !== 'open') throw new HttpError(405, 'Pull Request is not mergeable');
      if (merge_method && merge_method !== 'merge') throw new HttpError(405, 'This fake merges with merge commits only');
      const head = await forge.repo_.head(pull.head);
      if (sha && sha !== head) throw new HttpError(409, 'Head branch was modified. Review and try the merge again.');
      const commit = await forge.merge(pull, 'admin');
      return { status: 200, body: { sha: commit, merged: true, message: 'Pull Request successfully merged' } };
    },
    'issues/create-comment': async ({ params, body }) => {
      mustPull(params.issue_number!);
      const c = { id: forge.state.nextId(), issue: Number(params.issue_number), body: (body as { body: string }).body, user: forge.botUser, createdAt: now() };
      forge.state.comments.push(c);
      return { status: 201, body: commentObject(c) };
    },
    'issues/list-comments': async ({ params }) => {
      mustPull(params.issue_number!);
      return { status: 200, body: forge.state.comments.filter((c) => c.issue === Number(params.issue_number)).map(commentObject) };
    },
    'repos/create-commit-status': async ({ params, body }) => {
      const { state, context, description, target_url } = body as { state: string; context?: string; description?: string | null; target_url?: string | null };
      if (!(await forge.repo_.hasObject(params.sha!, 'commit'))) throw new HttpError(422, 'No commit found for SHA');
      const s = { id: forge.state.nextId(), sha: params.sha!, state, context: context ?? 'default', description: description ?? '', targetUrl: target_url ?? null, user: forge.botUser, createdAt: now() };
      forge.state.statuses.push(s);
      return { status: 201, body: statusObject(s) };
    },
    'repos/list-commit-statuses-for-ref': async ({ params }) => ({
      status: 200,
      body: forge.state.statuses.filter((s) => s.sha === params.ref).reverse().map(statusObject),
    }),
  };
}
