// A thin typed client for the Gitea/Forgejo API v1 over fetch: JSON in, JSON out, `Authorization:
// token …`, a timeout, and failures classified like the GitHub adapter's (see mirror-forge.ts).
import { forgeFailure, MirrorReads } from '../../repo/mirror-forge.ts';
import type { RepoMirror } from '../../repo/mirror.ts';
import type { RemoteForgeOptions } from '../forge.ts';

export type GiteaForgeOptions = RemoteForgeOptions;

/** The response shapes this adapter reads (a subset of Gitea's swagger definitions). */
interface GiteaUser {
  login: string;
}
export interface GiteaPull {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  merged: boolean;
  merge_commit_sha: string | null;
  head: { ref: string; sha: string };
  user: GiteaUser | null;
  merged_by?: GiteaUser | null;
  created_at: string;
  updated_at: string;
}
export interface GiteaComment {
  body: string;
  user: GiteaUser | null;
  created_at: string;
}
export interface GiteaBranch {
  name: string;
  commit: { id: string };
}
export interface GiteaStatus {
  context: string;
  status: string;
  description: string;
  target_url: string;
  updated_at: string;
}
export interface GiteaFilesResponse {
  commit: { sha: string };
}

export interface GiteaContext {
  owner: string;
  repo: string;
  reads: MirrorReads;
  mirror: RepoMirror;
  /** `path` is relative to /repos/{owner}/{repo}. `race`: 409/422 means a lost compare-and-swap. */
  request<T>(what: string, method: string, path: string, body?: unknown, options?: { race?: boolean }): Promise<T>;
}

export function createGiteaContext(options: GiteaForgeOptions): GiteaContext {
  const base = `${options.apiUrl.replace(/\/+$/, '')}/repos/${encodeURIComponent(options.owner)}/${encodeURIComponent(options.repo)}`;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const secrets = [options.token];
  return {
    owner: options.owner,
    repo: options.repo,
    reads: new MirrorReads(options.mirror),
    mirror: options.mirror,
    async request<T>(what: string, method: string, path: string, body?: unknown, requestOptions: { race?: boolean } = {}): Promise<T> {
      let response: Response;
      try {
        response = await fetch(`${base}${path}`, {
          method,
          headers: { authorization: `token ${options.token}`, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (err) {
        const cause = (err as { cause?: { message?: string; code?: string } }).cause;
        throw forgeFailure(what, { status: undefined, message: cause?.code ?? cause?.message ?? (err as Error).message }, { secrets });
      }
      const text = await response.text();
      if (!response.ok) {
        let message = text.slice(0, 300);
        try {
          message = (JSON.parse(text) as { message?: string }).message ?? message;
        } catch {
          // not JSON: keep the text
        }
        throw forgeFailure(what, { status: response.status, message: message || response.statusText }, { secrets, ...requestOptions });
      }
      return (text.length > 0 ? JSON.parse(text) : undefined) as T;
    },
  };
}
