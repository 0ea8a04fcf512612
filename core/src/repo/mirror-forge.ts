// What the GitHub and Gitea/Forgejo adapters share: reads come from the local mirror (fetched
// after every write, so the gateway's own git reads see its writes at once), forge failures become
// typed errors the gateway already understands (GitError conflict/not_found for races, a clear
// "forge unreachable: …" when the network fails), and the mcpbox-specific parts of a pull request
// (its kind) travel in a hidden marker in the body.
import type { RepoFile } from '../format/model.ts';
import { ForgeError } from '../forge/errors.ts';
import type { Branch, PullRequest, PullRequestState } from '../forge/forge.ts';
import { GitError } from '../git/errors.ts';
import { readTree } from '../git/read-tree.ts';
import { listRefs } from '../git/refs.ts';
import { GATEWAY_BRANCH_PREFIX } from '../forge/ref-writer.ts';
import { redactMessage, type RepoMirror } from './mirror.ts';

export type RemoteForgeErrorCode = 'forge_unreachable' | 'forge_rejected';

export class RemoteForgeError extends Error {
  readonly code: RemoteForgeErrorCode;
  readonly status: number | undefined;
  constructor(code: RemoteForgeErrorCode, message: string, status?: number) {
    super(message);
    this.name = 'RemoteForgeError';
    this.code = code;
    this.status = status;
  }
}

export interface ForgeHttpFailure {
  /** HTTP status, or undefined when no response arrived. */
  status: number | undefined;
  message: string;
}

/**
 * Classifies a failed forge call: 404 → not_found, 409/422 on a ref → conflict (a lost race the
 * callers retry), no response → forge unreachable, anything else → forge rejected.
 */
export function forgeFailure(what: string, failure: ForgeHttpFailure, options: { secrets?: string[]; race?: boolean } = {}): Error {
  const reason = redactMessage(failure.message, options.secrets ?? []).slice(0, 300);
  if (failure.status === undefined) return new RemoteForgeError('forge_unreachable', `forge unreachable: ${what} failed (${reason}). The gateway keeps serving the last applied tools; try again when the forge is back.`);
  if (failure.status === 404) return new GitError('not_found', `${what}: the forge answered 404 (${reason}).`);
  if (options.race && (failure.status === 409 || failure.status === 422)) return new GitError('conflict', `${what}: the branch moved or already exists (${reason}). Re-read it and try again.`);
  if (failure.status === 401 || failure.status === 403) {
    return new RemoteForgeError('forge_rejected', `${what}: the forge refused the token (HTTP ${failure.status}: ${reason}). Check MCPBOX_FORGE_TOKEN and its permissions (README, "GitHub and Gitea").`, failure.status);
  }
  return new RemoteForgeError('forge_rejected', `${what}: the forge answered HTTP ${failure.status} (${reason}).`, failure.status);
}

/** Reads of a forge-backed repo, answered by the mirror. */
export class MirrorReads {
  readonly mirror: RepoMirror;
  constructor(mirror: RepoMirror) {
    this.mirror = mirror;
  }

  async readFiles(input: { ref: string }): Promise<{ commit: string; files: RepoFile[] }> {
    if (typeof input?.ref !== 'string' || input.ref.length === 0) throw new ForgeError('invalid_input', 'Invalid input for readFiles: ref: expected a branch, ref or commit.');
    const ref = /^[0-9a-f]{40}$/.test(input.ref) || input.ref.startsWith('refs/') ? input.ref : `refs/heads/${input.ref}`;
    return readTree(this.mirror.gitDir, ref);
  }

  async listBranches(): Promise<Branch[]> {
    const refs = await listRefs(this.mirror.gitDir, 'refs/heads/');
    return refs.map((r) => ({ name: r.ref.slice('refs/heads/'.length), head: r.sha }));
  }

  /** After a write: bring the mirror up to date so the caller's next git read sees it. */
  async refresh(): Promise<void> {
    await this.mirror.fetch();
  }
}

const KIND_MARKER = /\n*<!-- mcpbox:kind=([a-z_]{1,40}) -->\s*$/;

export function bodyWithKind(body: string, kind: string): string {
  return `${body}\n\n<!-- mcpbox:kind=${kind} -->`;
}

function splitKind(body: string | null | undefined): { body: string; kind: string } {
  const text = body ?? '';
  const match = KIND_MARKER.exec(text);
  return match ? { body: text.slice(0, match.index), kind: match[1]! } : { body: text, kind: 'change' };
}

/** A pull request as both forges describe it, reduced to what mcpbox needs. */
export interface ForgePull {
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  merged: boolean;
  mergeCommit: string | null;
  branch: string;
  headSha: string | null;
  author: string;
  mergedBy?: string | null;
  createdAt: string;
  updatedAt: string;
  comments: Array<{ author: string; body: string; createdAt: string }>;
}

export function toPullRequest(pull: ForgePull, emailDomain: string): PullRequest {
  const who = (login: string) => ({ name: login, email: `${login}@${emailDomain}` });
  const { body, kind } = splitKind(pull.body);
  const state: PullRequestState = pull.merged ? 'merged' : pull.state;
  const comments = pull.comments.map((c) => ({ author: who(c.author), body: c.body, createdAt: c.createdAt }));
  const closing = state === 'closed' ? comments[comments.length - 1] : undefined;
  return {
    number: pull.number,
    title: pull.title,
    body,
    kind,
    branch: pull.branch,
    base: 'main',
    state,
    author: who(pull.author),
    createdAt: pull.createdAt,
    updatedAt: pull.updatedAt,
    comments,
    ...(closing ? { closingReason: closing.body, closedBy: closing.author } : {}),
    ...(state === 'merged' && pull.mergeCommit ? { mergeCommit: pull.mergeCommit } : {}),
    ...(state === 'merged' && pull.mergedBy ? { mergedBy: who(pull.mergedBy) } : {}),
    head: pull.headSha,
  };
}

/** Resolves "a commit or a PR number like #12" against merged pull requests. */
export function pullNumberOf(commitOrPr: string | number): number | undefined {
  if (typeof commitOrPr === 'number') return commitOrPr;
  return /^#[1-9][0-9]*$/.test(commitOrPr) ? Number(commitOrPr.slice(1)) : undefined;
}

/** The gateway writes only branches under mcpbox/ (main is also protected on the forge; see the README). */
export function assertGatewayBranch(branch: string): void {
  if (!branch.startsWith(GATEWAY_BRANCH_PREFIX) || branch.includes('..')) {
    throw new GitError('forbidden_ref', `Refusing to write ${branch}: changes from MCP clients go to branches named "${GATEWAY_BRANCH_PREFIX}…" and reach main only when an admin merges the pull request.`);
  }
}
