// What a pull request asks for, computed at its current head (its body was written when it was
// opened; later commits may have joined it): modules and network grants it adds to policy/,
// secret names it declares, and the last recorded sandbox test of each tool it changes.
import { classifyPath, diffTree, findHiddenCharacters, parseRepoFiles, readTree, runGit, toolId, type BranchForge, type HiddenCharacter, type PullRequest } from '@mcpbox/core';
import { serverOfDraft } from './change-branches.ts';
import { TEST_CONTEXT_PREFIX } from './code-service.ts';

export interface PullReview {
  base: string;
  head: string;
  modules: Array<{ name: string; reason: string }>;
  grants: Array<{ server: string; host: string; port?: number; reason: string }>;
  secrets: Array<{ server: string; name: string }>;
  /**
   * The last recorded test of each changed tool: `current` when it ran the code at head, `commit`
   * the head it ran at — a test whose commit is not `head` is stale (the branch moved since).
   */
  tools: Array<{ id: string; change: string; test: { success: boolean; summary: string; at: string; current: boolean; commit: string } | null }>;
  /** Invisible and bidi characters in the files the pull request changes, as they are at head. */
  hidden: Array<HiddenCharacter & { file: string }>;
}

export async function reviewPull(gitDir: string, forge: BranchForge, pr: PullRequest): Promise<PullReview | null> {
  if (pr.head === null) return null;
  const head = pr.head;
  // What the branch brings in: from where it left main (for a merged PR, main before the merge).
  const against = pr.state === 'merged' && pr.mergeCommit ? `${pr.mergeCommit}^1` : 'refs/heads/main';
  const { stdout } = await runGit(gitDir, ['merge-base', '--end-of-options', against, head]);
  const base = stdout.toString('utf8').trim();
  const [before, after] = await Promise.all([readTree(gitDir, base), readTree(gitDir, head)]);
  const old = parseRepoFiles(before.commit, before.files);
  const now = parseRepoFiles(after.commit, after.files);
  const oldModules = new Set(old.modules.allowed.map((m) => m.name));
  const oldGrants = new Set(old.network.grants.map((g) => `${g.server} ${g.host} ${g.port ?? ''}`));
  const secrets: PullReview['secrets'] = [];
  for (const server of Object.values(now.servers)) {
    const had = new Set(old.servers[server.name]?.secrets.map((s) => s.name) ?? []);
    for (const s of server.secrets) if (!had.has(s.name)) secrets.push({ server: server.name, name: s.name });
  }
  const changes = await diffTree(gitDir, base, head);
  // Tests are recorded on draft branches, one per server, so a tool name identifies the tool there.
  const draftServer = serverOfDraft(pr.branch);
  const tests = draftServer === undefined ? new Map<string, Test>() : await latestTests(gitDir, forge, base, head);
  const tools: PullReview['tools'] = [];
  for (const change of changes) {
    const file = classifyPath(change.path);
    if (file.kind !== 'tool_code') continue;
    const blob = after.files.find((f) => f.path === change.path)?.blob;
    const test = file.server === draftServer ? tests.get(file.tool) : undefined;
    tools.push({
      id: toolId(file.server, file.tool),
      change: change.status,
      test: test === undefined ? null : { success: test.success, summary: test.summary, at: test.at, current: blob !== undefined && test.version === blob, commit: test.commit },
    });
  }
  const hidden: PullReview['hidden'] = [];
  for (const change of changes) {
    const file = after.files.find((f) => f.path === change.path);
    if (file !== undefined) for (const c of findHiddenCharacters(file.content)) hidden.push({ file: file.path, ...c });
  }
  return {
    base,
    head,
    modules: now.modules.allowed.filter((m) => !oldModules.has(m.name)),
    grants: now.network.grants.filter((g) => !oldGrants.has(`${g.server} ${g.host} ${g.port ?? ''}`)),
    secrets,
    tools,
    hidden,
  };
}

interface Test {
  commit: string;
  version: string;
  success: boolean;
  summary: string;
  at: string;
}

async function latestTests(gitDir: string, forge: BranchForge, base: string, head: string): Promise<Map<string, Test>> {
  const found = new Map<string, Test>();
  const { stdout } = await runGit(gitDir, ['rev-list', '--max-count=100', '--end-of-options', head, `^${base}`]);
  for (const commit of stdout.toString('utf8').split('\n').filter((l) => l !== '')) {
    for (const status of await forge.listCommitStatuses({ sha: commit })) {
      if (!status.context.startsWith(TEST_CONTEXT_PREFIX)) continue;
      const key = status.context.slice(TEST_CONTEXT_PREFIX.length);
      const previous = found.get(key);
      if (previous !== undefined && previous.at >= status.updatedAt) continue;
      const m = /^version ([0-9a-f]{40}) \| (.*)$/s.exec(status.description);
      found.set(key, { commit, version: m?.[1] ?? '', success: status.state === 'success', summary: m?.[2] ?? status.description, at: status.updatedAt });
    }
  }
  return found;
}
