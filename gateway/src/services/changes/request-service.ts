// Pull requests the LLM opens: publishing a draft, and the one-change requests (a module, a network
// grant, a secret name, deleting, rolling back). Duplicates and already-granted asks are answered
// with what already exists instead of a second pull request.
import {
  classifyPath,
  fileHistory,
  hostProblem,
  MODULES_POLICY_PATH,
  NETWORK_POLICY_PATH,
  parseRepoFiles,
  parseToolId,
  serverFilePath,
  toolCodePath,
  toolId,
  toolMetaPath,
  type PullRequest,
} from '@mcpbox/core';
import { isModuleAllowed } from '@mcpbox/reconciler';
import { SAFE_MODULES } from '@mcpbox/sandbox';
import { ToolError } from '../../tools/tool-error.ts';
import { GATEWAY_IDENTITY, type Snapshot } from './branch-writer.ts';
import { callerTrailers } from './caller-context.ts';
import { draftBranch, moduleBranch, networkBranch, removeServerBranch, removeToolBranch, rollbackBranch, secretBranch, type ChangeKind } from './change-branches.ts';
import { pullUrl, reviewCommand, type ChangeContext } from './change-context.ts';
import { translated } from './change-errors.ts';
import { checkImports, type CodeService } from './code-service.ts';
import { DraftService, serverExists, toolFiles } from './draft-service.ts';
import { composePullBody, type ToolSection } from './pull-body.ts';
import { appendToList, removeFromList } from './yaml-edit.ts';

export interface RequestOutcome {
  /** created: a new pull request; existing: the same ask is already open; draft: added to the server's draft instead. */
  outcome: 'created' | 'existing' | 'draft';
  number: number | null;
  url: string | null;
  branch: string;
  title: string;
  message: string;
}

export class RequestService {
  private readonly ctx: ChangeContext;
  private readonly drafts: DraftService;
  private readonly code: CodeService;

  constructor(ctx: ChangeContext, drafts: DraftService, code: CodeService) {
    this.ctx = ctx;
    this.drafts = drafts;
    this.code = code;
  }

  private async openFor(branch: string): Promise<PullRequest | undefined> {
    return (await this.ctx.forge.listPullRequests({ state: 'open', branch }))[0];
  }

  private existing(pr: PullRequest, what: string): RequestOutcome {
    return {
      outcome: 'existing',
      number: pr.number,
      url: pullUrl(pr.number),
      branch: pr.branch,
      title: pr.title,
      message: `${what} is already requested in pull request #${pr.number} ("${pr.title}"), waiting for review. Nothing new was opened.`,
    };
  }

  private async open(branch: string, kind: ChangeKind, title: string, body: string, what: string): Promise<RequestOutcome> {
    // The reviewer sees who asked: the same names the commits carry as trailers.
    const caller = callerTrailers();
    const who = Object.entries(caller).map(([key, value]) => `${key}: ${value}`);
    const signed = who.length === 0 ? body : `${body}\n\n---\nProposed through mcpbox by ${who.join(', ')}.`;
    const pr = await this.ctx.forge.openPullRequest({ branch, title, body: signed, kind, author: GATEWAY_IDENTITY });
    return {
      outcome: 'created',
      number: pr.number,
      url: pullUrl(pr.number),
      branch,
      title,
      message: `${what}: pull request #${pr.number} is open. A person reviews it (${reviewCommand(pr.number)}) and merges it; it takes effect only then. Follow it with mcpbox_get_tool_status or mcpbox_list_pending_requests.`,
    };
  }

  /** One-change request: duplicate check, a fresh branch from main, the commit, the pull request. */
  private async request(
    branch: string,
    kind: ChangeKind,
    what: string,
    build: (main: Snapshot) => { changes: Array<{ path: string; content: string | null }>; message: string; body: string },
  ): Promise<RequestOutcome> {
    // The whole ask holds the branch's turn: a second identical ask waits, then finds the open PR
    // instead of starting the branch again under the first one's feet.
    return translated(() => this.ctx.writer.exclusive(branch, async () => {
      const open = await this.openFor(branch);
      if (open !== undefined) return this.existing(open, what);
      let built: ReturnType<typeof build> | undefined;
      await this.ctx.writer.applyInTurn(branch, ({ main }) => {
        built = build(main);
        return { changes: built.changes, message: built.message };
      }, { resetUnlessOpen: true });
      if (built === undefined) throw new ToolError('internal', `${what}: nothing was committed.`);
      try {
        return await this.open(branch, kind, built.message.split('\n')[0] ?? what, built.body, what);
      } catch (err) {
        // Two callers asked for the same thing at once: the loser points at the winner's PR.
        const winner = await this.openFor(branch);
        if (winner !== undefined) return this.existing(winner, what);
        throw err;
      }
    }));
  }

  async publish(server: string, notes: string | undefined): Promise<RequestOutcome & { tools: string[] }> {
    const branch = draftBranch(server);
    // Publishing holds the draft's turn: the body describes exactly the head the PR opens at, and
    // callers publishing at the same time find the open PR instead of composing it again.
    return translated(() => this.ctx.writer.exclusive(branch, async () => {
      if (!(await this.ctx.writer.hasChanges(branch))) {
        throw new ToolError('invalid_input', `Nothing to publish for server "${server}": its draft branch ${branch} has no changes that are not on main. Create or update a tool first.`);
      }
      const open = await this.openFor(branch);
      const head = await this.ctx.writer.branchHead(branch);
      const [draft, main] = await Promise.all([this.ctx.writer.read(head ?? branch), this.ctx.writer.read('refs/heads/main')]);
      const changed = await this.ctx.writer.changesSinceMain(draft.commit);
      const tools = toolsTouched(changed.map((c) => c.path), server);
      if (open !== undefined) return { ...this.existing(open, `Publishing server "${server}"`), tools, message: `Pull request #${open.number} for ${branch} is already open; the latest commits are part of it. Wait for the review.` };
      // The same check CI runs: a draft that cannot load is refused before a person sees it.
      const state = parseRepoFiles(draft.commit, [...draft.files.values()], { safeModules: SAFE_MODULES });
      const touched = new Set(changed.map((c) => c.path));
      const errors = state.problems.filter((p) => p.severity === 'error' && (touched.has(p.file) || p.file.startsWith(`servers/${server}/`)));
      if (errors.length > 0) {
        const text = errors.slice(0, 10).map((p) => `${p.file}${p.line ? `:${p.line}` : ''}: ${p.message}`).join('; ');
        throw new ToolError('invalid_input', `The draft of server "${server}" does not validate: ${text}. Fix it with mcpbox_update_tool and publish again.`);
      }
      const mainState = await this.ctx.mainState.current();
      const tests = await this.code.lastTests(server);
      const sections: ToolSection[] = [];
      const missingModules = new Set<string>();
      for (const tool of tools) {
        const file = toolFiles(draft, server, tool);
        if (file.code === undefined) {
          sections.push({ id: toolId(server, tool), change: 'deleted', code: null, schema: null, test: null, asks: [] });
          continue;
        }
        const analysis = this.ctx.sandbox === null ? null : await this.ctx.sandbox.analyze(file.code.content);
        const imports = analysis === null ? [] : checkImports(analysis.imports, mainState);
        for (const entry of imports) if (!entry.allowed) missingModules.add(entry.name);
        const test = tests.get(tool);
        sections.push({
          id: toolId(server, tool),
          change: toolFiles(main, server, tool).code === undefined ? 'added' : 'modified',
          code: file.code.content,
          schema: analysis?.valid ? analysis.input_schema : null,
          test: test === undefined ? null : { ...test, current: test.version === file.code.blob },
          asks: imports.filter((i) => !i.allowed).map((i) => `module \`${i.name}\` (not allowed on main: request it with mcpbox_request_module)`),
        });
      }
      const secretsBefore = new Set(DraftService.serverFile(main, server)?.value.secrets.map((s) => s.name) ?? []);
      const secrets = (DraftService.serverFile(draft, server)?.value.secrets ?? []).filter((s) => !secretsBefore.has(s.name)).map((s) => s.name);
      const grants = parseRepoFiles(draft.commit, [...draft.files.values()]).network.grants.filter(
        (g) => g.server === server && !mainState.network.grants.some((m) => m.server === g.server && m.host === g.host && m.port === g.port),
      );
      // Requests this change depends on: its server's network asks and the modules its code imports.
      const wantedModuleBranches = new Set([...missingModules].flatMap((m) => [moduleBranch(m), moduleBranch(m.split('.')[0] ?? m)]));
      const openRequests = (await this.ctx.forge.listPullRequests({ state: 'open' })).filter(
        (pr) => pr.branch.startsWith(`mcpbox/network/${server}__`) || pr.branch.startsWith(`mcpbox/secret/${server}__`) || wantedModuleBranches.has(pr.branch),
      );
      const newServer = !serverExists(main, server);
      const verbs = sections.map((s) => `${s.change === 'added' ? 'add' : s.change === 'deleted' ? 'delete' : 'update'} ${parseToolId(s.id)?.tool ?? s.id}`);
      const title = `${newServer ? `server(${server}): create` : `tool(${server}):`}${verbs.length > 0 ? `${newServer ? ' with ' : ' '}${verbs.join(', ')}` : newServer ? '' : ' update settings'}`.slice(0, 300);
      const body = composePullBody({
        server,
        newServer,
        notes,
        tools: sections,
        secrets,
        grants: grants.map((g) => ({ host: g.host, ...(g.port === undefined ? {} : { port: g.port }), reason: g.reason })),
        relatedRequests: openRequests.map((pr) => ({ number: pr.number, title: pr.title })),
        files: changed.map((c) => `${c.status} ${c.path}`),
        head: draft.commit,
      });
      try {
        const outcome = await this.open(branch, 'tools', title, body, `Publishing server "${server}"`);
        return { ...outcome, tools: tools.map((t) => toolId(server, t)) };
      } catch (err) {
        const winner = await this.openFor(branch);
        if (winner !== undefined) return { ...this.existing(winner, `Publishing server "${server}"`), tools: tools.map((t) => toolId(server, t)) };
        throw err;
      }
    }));
  }

  async requestModule(module: string, justification: string, toolId: string | undefined): Promise<RequestOutcome> {
    if (isModuleAllowed(module, new Set(SAFE_MODULES))) {
      throw new ToolError('invalid_input', `Module "${module}" is already allowed: it is in the built-in safe set. Just import it.`);
    }
    const state = await this.ctx.mainState.current();
    const grant = state.modules.allowed.find((m) => isModuleAllowed(module, new Set([m.name])));
    if (grant !== undefined) throw new ToolError('invalid_input', `Module "${module}" is already allowed on main (policy/modules.yaml grants "${grant.name}": ${grant.reason}). Just import it.`);
    const branch = moduleBranch(module);
    return this.request(branch, 'module', `Module "${module}"`, (main) => {
      const file = main.files.get(MODULES_POLICY_PATH);
      const reason = toolId === undefined ? justification : `${toolId}: ${justification}`;
      return {
        changes: [{ path: MODULES_POLICY_PATH, content: appendToList(file?.content ?? '', MODULES_POLICY_PATH, 'allowed', { name: module, reason: reason.replace(/\s+/g, ' ') }) }],
        message: `policy(modules): allow ${module}\n\n${justification}`,
        body: [`## Module request: \`${module}\``, '', `Requested${toolId === undefined ? '' : ` for \`${toolId}\``} by an MCP client.`, '', '### Justification', '', justification, '', 'Merging adds it to `policy/modules.yaml`: every tool of every server may then import it.'].join('\n'),
      };
    });
  }

  async requestNetwork(server: string, rawHost: string, port: number | undefined, justification: string, toolId: string | undefined): Promise<RequestOutcome> {
    const host = normalizeHost(rawHost);
    return translated(async () => {
      const state = await this.ctx.mainState.current();
      const covering = state.network.grants.find((g) => g.server === server && g.host === host && (g.port === undefined ? port === undefined || port === 443 || port === 80 : g.port === port));
      if (covering !== undefined) {
        throw new ToolError('invalid_input', `Server "${server}" may already reach ${host}${covering.port === undefined ? '' : `:${covering.port}`} (policy/network.yaml: ${covering.reason}). Nothing to request.`);
      }
      const entry = { server, host, ...(port === undefined ? {} : { port }), reason: (toolId === undefined ? justification : `${toolId}: ${justification}`).replace(/\s+/g, ' ') };
      const target = `${host}${port === undefined ? '' : `:${port}`}`;
      if (state.servers[server] === undefined) {
        // A server that is still a draft: the grant joins its draft, since a grant for a server that
        // is not on main would not validate on its own.
        const branch = draftBranch(server);
        const { commit } = await this.ctx.writer.apply(branch, ({ branch: draft }) => {
          if (!serverExists(draft, server)) throw new ToolError('not_found', `There is no server "${server}" on main or in its draft. Create it with mcpbox_create_server first.`);
          const file = draft.files.get(NETWORK_POLICY_PATH);
          if (parseRepoFiles(draft.commit, [...draft.files.values()]).network.grants.some((g) => g.server === server && g.host === host && g.port === port)) return null;
          return { changes: [{ path: NETWORK_POLICY_PATH, content: appendToList(file?.content ?? '', NETWORK_POLICY_PATH, 'grants', entry) }], message: `policy(network): let ${server} reach ${target}\n\n${justification}` };
        });
        return { outcome: 'draft', number: null, url: null, branch, title: `policy(network): let ${server} reach ${target}`, message: commit === undefined ? `The draft of server "${server}" already asks for ${target}.` : `Server "${server}" is still a draft, so the grant for ${target} was added to its draft on ${branch}; it is reviewed with the server when you call mcpbox_request_publish.` };
      }
      return this.request(networkBranch(server, host, port), 'network', `Network access for "${server}" to ${target}`, (main) => ({
        changes: [{ path: NETWORK_POLICY_PATH, content: appendToList(main.files.get(NETWORK_POLICY_PATH)?.content ?? '', NETWORK_POLICY_PATH, 'grants', entry) }],
        message: `policy(network): let ${server} reach ${target}\n\n${justification}`,
        body: [`## Network request: \`${server}\` → \`${target}\``, '', `Requested${toolId === undefined ? '' : ` for \`${toolId}\``} by an MCP client.`, '', '### Justification', '', justification, '', `Merging adds a grant to \`policy/network.yaml\`: tools of \`${server}\` may then reach ${port === undefined ? `${host} on ports 443 and 80` : target} through \`http\` (private addresses stay blocked unless named exactly).`].join('\n'),
      }));
    });
  }

  async declareSecret(server: string, name: string, description: string): Promise<RequestOutcome> {
    return translated(async () => {
      const state = await this.ctx.mainState.current();
      const onMain = state.servers[server];
      const add = (snapshot: Snapshot) => {
        const current = DraftService.serverFile(snapshot, server);
        if (current === undefined) return undefined;
        if (current.value.secrets.some((s) => s.name === name)) return null;
        return appendToList(current.file.content, current.file.path, 'secrets', { name, description: description === '' ? undefined : description });
      };
      if (onMain === undefined) {
        const branch = draftBranch(server);
        let already = false;
        await this.ctx.writer.apply(branch, ({ branch: draft }) => {
          const content = add(draft);
          if (content === undefined) throw new ToolError('not_found', `There is no server "${server}" on main or in its draft. Create it with mcpbox_create_server first.`);
          if (content === null) {
            already = true;
            return null;
          }
          return { changes: [{ path: serverFilePath(server), content }], message: `secret(${server}): declare ${name}` };
        });
        return { outcome: 'draft', number: null, url: null, branch, title: `secret(${server}): declare ${name}`, message: already ? `The draft of server "${server}" already declares ${name}.` : `Server "${server}" is still a draft, so ${name} was declared in its draft on ${branch}; it is reviewed with the server when you call mcpbox_request_publish. An admin sets the value with \`mcpbox secret set\`.` };
      }
      if (onMain.secrets.some((s) => s.name === name)) {
        throw new ToolError('invalid_input', `Server "${server}" already declares the secret ${name} on main. Its value is set by an admin (\`mcpbox secret set\`); tools read it as secrets["${name}"].`);
      }
      return this.request(secretBranch(server, name), 'secret', `Secret ${name} on "${server}"`, (main) => {
        const content = add(main);
        if (content === undefined || content === null) throw new ToolError('conflict', `server.yaml of "${server}" changed on main; call again.`);
        return {
          changes: [{ path: serverFilePath(server), content }],
          message: `secret(${server}): declare ${name}`,
          body: [`## Secret declaration: \`${name}\` on \`${server}\``, '', description, '', 'Only the name goes into the repo. After merging, set the value with `mcpbox secret set` (read from stdin); tools of this server read it as `secrets["' + name + '"]`.'].join('\n'),
        };
      });
    });
  }

  async deleteServer(server: string, reason: string): Promise<RequestOutcome> {
    const state = await this.ctx.mainState.current();
    if (state.servers[server] === undefined) {
      throw new ToolError('not_found', `There is no server "${server}" on main. A server that is only a draft is not live; its draft branch is simply never published.`);
    }
    return this.request(removeServerBranch(server), 'delete_server', `Deleting server "${server}"`, (main) => {
      const files = [...main.files.keys()].filter((p) => p.startsWith(`servers/${server}/`));
      const network = main.files.get(NETWORK_POLICY_PATH);
      const withoutGrants = network === undefined ? undefined : removeFromList(network.content, 'grants', (g) => g['server'] === server);
      return {
        changes: [...files.map((path) => ({ path, content: null })), ...(withoutGrants !== undefined && withoutGrants !== network?.content ? [{ path: NETWORK_POLICY_PATH, content: withoutGrants }] : [])],
        message: `server(${server}): delete\n\n${reason}`,
        body: [`## Delete server \`${server}\``, '', reason, '', `Removes ${files.length} file(s) under \`servers/${server}/\` and its network grants. Its tools stop being served when this is merged.`].join('\n'),
      };
    });
  }

  async deleteTool(server: string, tool: string, reason: string): Promise<RequestOutcome> {
    const state = await this.ctx.mainState.current();
    if (state.servers[server]?.tools[tool] === undefined) throw new ToolError('not_found', `There is no tool "${toolId(server, tool)}" on main.`);
    return this.request(removeToolBranch(server, tool), 'delete_tool', `Deleting tool "${toolId(server, tool)}"`, (main) => {
      const files = toolFiles(main, server, tool);
      return {
        changes: [files.code, files.meta].filter((f) => f !== undefined).map((f) => ({ path: f.path, content: null })),
        message: `tool(${server}): delete ${tool}\n\n${reason}`,
        body: [`## Delete tool \`${toolId(server, tool)}\``, '', reason].join('\n'),
      };
    });
  }

  async rollback(server: string, tool: string, version: string): Promise<RequestOutcome & { restored_commit: string }> {
    return translated(async () => {
      const history = await fileHistory(this.ctx.gitDir, [toolCodePath(server, tool), toolMetaPath(server, tool)], 'refs/heads/main');
      if (history.length === 0) throw new ToolError('not_found', `Tool "${toolId(server, tool)}" has no history on main. Call mcpbox_list_tool_versions to see its versions.`);
      const match = history.filter((h) => h.commit.startsWith(version));
      if (match.length === 0) throw new ToolError('not_found', `Commit ${version} is not a version of "${toolId(server, tool)}". Pick a commit from mcpbox_list_tool_versions.`);
      if (match.length > 1) throw new ToolError('invalid_input', `Commit id ${version} is ambiguous; give more characters.`);
      const target = match[0]!.commit;
      const old = await this.ctx.writer.read(target);
      const oldFiles = toolFiles(old, server, tool);
      if (oldFiles.code === undefined) throw new ToolError('invalid_input', `At ${target.slice(0, 12)} the tool was deleted; pick a version that has code.`);
      const outcome = await this.request(rollbackBranch(server, tool, target), 'rollback', `Rolling "${toolId(server, tool)}" back to ${target.slice(0, 12)}`, (main) => {
        const now = toolFiles(main, server, tool);
        const changes: Array<{ path: string; content: string | null }> = [];
        if (now.code?.content !== oldFiles.code!.content) changes.push({ path: toolCodePath(server, tool), content: oldFiles.code!.content });
        if ((now.meta?.content ?? null) !== (oldFiles.meta?.content ?? null)) changes.push({ path: toolMetaPath(server, tool), content: oldFiles.meta?.content ?? null });
        if (!serverExists(main, server)) throw new ToolError('not_found', `Server "${server}" is no longer on main; recreate it first.`);
        if (changes.length === 0) throw new ToolError('invalid_input', `Tool "${toolId(server, tool)}" on main is already identical to version ${target.slice(0, 12)}; nothing to roll back.`);
        return {
          changes,
          message: `tool(${server}): roll back ${tool} to ${target.slice(0, 12)}`,
          body: [`## Roll back \`${toolId(server, tool)}\` to ${target.slice(0, 12)}`, '', `Restores the tool's files as they were at ${target} ("${match[0]!.message.split('\n')[0]}").`, '', '```python', oldFiles.code!.content, '```'].join('\n'),
        };
      });
      return { ...outcome, restored_commit: target };
    });
  }
}

function toolsTouched(paths: string[], server: string): string[] {
  const tools = new Set<string>();
  for (const path of paths) {
    const file = classifyPath(path);
    if ((file.kind === 'tool_code' || file.kind === 'tool_meta') && file.server === server) tools.add(file.tool);
  }
  return [...tools].sort();
}

/**
 * A host as grants spell it. Case and one trailing dot are only spelling (DNS ignores both), so they
 * are normalised; everything else that is not a grant's host (a URL, host:port, userinfo, an IPv6
 * zone id, an international name not in punycode, …) is refused with the format's own reason.
 */
function normalizeHost(raw: string): string {
  const host = raw.trim().toLowerCase().replace(/\.$/, '');
  if (/^[a-z][a-z0-9+.-]*:\/\//.test(host)) throw new ToolError('invalid_input', `host must be a host name only, not a URL: pass "${host.replace(/^[a-z][a-z0-9+.-]*:\/\//, '').split(/[/:?#]/)[0]}" (and the port separately).`);
  const bracketed = /^\[([0-9a-f:.]+)\]$/.exec(host);
  const candidate = bracketed?.[1] ?? host;
  if (/^[^:]+:\d+$/.test(candidate)) throw new ToolError('invalid_input', `host must not include a port: pass host "${candidate.split(':')[0]}" and port ${candidate.split(':')[1]}.`);
  const problem = hostProblem(candidate);
  if (problem !== undefined) throw new ToolError('invalid_input', `${problem}. Pass a host name such as "api.github.com" or an IP address (no scheme, userinfo, wildcard, path, port or zone id).`);
  return candidate;
}
