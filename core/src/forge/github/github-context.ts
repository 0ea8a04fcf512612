// What every GitHub operation receives: the Octokit client for one repository, the mirror its
// reads come from, and one way to call the API that turns failures into typed errors.
import { Octokit } from '@octokit/rest';
import { forgeFailure, MirrorReads } from '../../repo/mirror-forge.ts';
import type { RemoteForgeOptions } from '../forge.ts';

export type GitHubForgeOptions = RemoteForgeOptions;

export interface GitHubContext {
  octokit: Octokit;
  owner: string;
  repo: string;
  reads: MirrorReads;
  /** Runs one API call; `race` marks calls where 409/422 means "lost a compare-and-swap". */
  call<T>(what: string, run: () => Promise<T>, options?: { race?: boolean }): Promise<T>;
}

export function createGitHubContext(options: GitHubForgeOptions): GitHubContext {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const octokit = new Octokit({
    baseUrl: options.apiUrl.replace(/\/+$/, ''),
    auth: options.token,
    userAgent: 'mcpbox',
    request: { fetch: (url: string, init: RequestInit) => fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) }) },
    // Octokit logs failed requests with their URL; our typed errors say what happened instead.
    log: { debug() {}, info() {}, warn() {}, error() {} },
  });
  return {
    octokit,
    owner: options.owner,
    repo: options.repo,
    reads: new MirrorReads(options.mirror),
    async call(what, run, callOptions = {}) {
      try {
        return await run();
      } catch (err) {
        const e = err as { status?: number; response?: unknown; message?: string; name?: string };
        const answered = e.response !== undefined && typeof e.status === 'number';
        throw forgeFailure(what, { status: answered ? e.status : undefined, message: e.message ?? String(err) }, { secrets: [options.token], ...callOptions });
      }
    },
  };
}
