// A local bare mirror of a remote tools repo (GitHub, Gitea/Forgejo). The reconciler and the
// gateway read main and branches from it with the same fast git code as the embedded repo; only
// fetches (and the odd push) touch the network.
//
// Credentials never reach argv, the URL, logs, errors or status: the token goes to git as an
// `http.extraHeader` through GIT_CONFIG_* environment variables of the child alone, and every
// message shows the remote's origin only.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { isGitError } from '../git/errors.ts';
import { runGit } from '../git/runner.ts';
import { tryResolveCommit } from '../git/resolve.ts';

export interface RepoMirrorOptions {
  /** Where the bare mirror lives, e.g. <data dir>/mirror.git. */
  gitDir: string;
  /** https:// (or http:// for tests) URL of the remote repository, without credentials. */
  remoteUrl: string;
  /** Token sent as HTTP basic auth (`x-access-token:<token>`, accepted by GitHub and Gitea/Forgejo). */
  token?: string;
  /** A fetch taking longer than this fails (default 60 s). */
  timeoutMs?: number;
}

export interface MirrorFetchStatus {
  ok: boolean;
  /** ISO time of the last attempt. */
  at: string;
  /** Redacted reason of the last failure. */
  error?: string;
  /** main after the last successful fetch. */
  main?: string;
}

export class MirrorError extends Error {
  readonly code: 'forge_unreachable' | 'forge_rejected';
  constructor(message: string, code: 'forge_unreachable' | 'forge_rejected' = 'forge_unreachable') {
    super(message);
    this.name = 'MirrorError';
    this.code = code;
  }
}

/** Shows a URL as origin + path only: no user, password, query or fragment. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '<remote>';
  }
}

/** Replaces every URL in a message with its redacted form and drops anything that looks like a credential. */
export function redactMessage(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(/[a-z][a-z0-9+.-]*:\/\/[^\s'"<>]+/gi, (url) => redactUrl(url));
  for (const secret of secrets) if (secret.length > 0) out = out.split(secret).join('***');
  return out.replace(/(authorization:\s*)(basic|bearer|token)\s+\S+/gi, '$1$2 ***');
}

export class RepoMirror {
  readonly gitDir: string;
  readonly remote: string; // redacted, for messages
  readonly #url: string;
  readonly #token: string | undefined;
  readonly #timeoutMs: number;
  #inFlight: Promise<string> | null = null;
  #status: MirrorFetchStatus | null = null;

  constructor(options: RepoMirrorOptions) {
    const url = new URL(options.remoteUrl);
    if (url.username || url.password) {
      throw new MirrorError(`The repository URL ${redactUrl(options.remoteUrl)} carries credentials; remove them and set MCPBOX_FORGE_TOKEN instead.`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new MirrorError(`The repository URL must be https:// (got ${url.protocol}).`);
    this.gitDir = options.gitDir;
    this.#url = url.toString();
    this.remote = redactUrl(this.#url);
    this.#token = options.token;
    this.#timeoutMs = options.timeoutMs ?? 60_000;
  }

  /** The last fetch attempt, for status and health (null before the first). */
  status(): MirrorFetchStatus | null {
    return this.#status ? { ...this.#status } : null;
  }

  async ensure(): Promise<void> {
    if (existsSync(this.gitDir)) return;
    await mkdir(this.gitDir, { recursive: true });
    await runGit(undefined, ['init', '--bare', '--quiet', '--initial-branch=main', this.gitDir]);
  }

  /** Fetches every branch (pruning deleted ones) and returns main. Concurrent calls share one fetch. */
  fetch(): Promise<string> {
    this.#inFlight ??= this.#fetch().finally(() => {
      this.#inFlight = null;
    });
    return this.#inFlight;
  }

  async #fetch(): Promise<string> {
    const at = new Date().toISOString();
    try {
      await this.ensure();
      await this.#git(['fetch', '--prune', '--no-tags', '--quiet', '--end-of-options', this.#url, '+refs/heads/*:refs/heads/*']);
      const main = await tryResolveCommit(this.gitDir, 'refs/heads/main');
      if (main === undefined) throw new MirrorError(`The remote ${this.remote} has no main branch yet; push an initial commit (e.g. from \`mcpbox init\`).`);
      this.#status = { ok: true, at, main };
      return main;
    } catch (err) {
      const failure = this.#failure('fetch', err);
      this.#status = { ok: false, at, error: failure.message, ...(this.#status?.main ? { main: this.#status.main } : {}) };
      throw failure;
    }
  }

  /** Pushes local refs of the mirror to the remote (branch writes only; the forge protects main). */
  async push(refspecs: string[]): Promise<void> {
    try {
      await this.#git(['push', '--porcelain', '--quiet', '--end-of-options', this.#url, ...refspecs]);
    } catch (err) {
      throw this.#failure('push', err);
    }
  }

  /** Whether the mirror already holds a commit (e.g. the `after` of a push webhook). */
  async has(sha: string): Promise<boolean> {
    if (!/^[0-9a-f]{40}$/.test(sha)) return false;
    try {
      await runGit(this.gitDir, ['cat-file', '-e', `${sha}^{commit}`]);
      return true;
    } catch {
      return false;
    }
  }

  #git(args: string[]): Promise<unknown> {
    const env: Record<string, string> = { GIT_HTTP_LOW_SPEED_LIMIT: '1', GIT_HTTP_LOW_SPEED_TIME: String(Math.ceil(this.#timeoutMs / 1000)) };
    if (this.#token) {
      // The header lives in this child's environment only; git never writes it to config or argv.
      env.GIT_CONFIG_COUNT = '1';
      env.GIT_CONFIG_KEY_0 = 'http.extraHeader';
      env.GIT_CONFIG_VALUE_0 = `Authorization: Basic ${Buffer.from(`x-access-token:${this.#token}`).toString('base64')}`;
    }
    return runGit(this.gitDir, args, { env });
  }

  #failure(what: 'fetch' | 'push', err: unknown): MirrorError {
    if (err instanceof MirrorError) return err;
    const detail = isGitError(err) ? (err.detail ?? err.message) : String((err as Error)?.message ?? err);
    const line = redactMessage(detail.split('\n').filter((l) => l.trim().length > 0).slice(-1)[0] ?? 'unknown error', this.#token ? [this.#token] : []);
    const reason = line.replace(/^(fatal|error):\s*/i, '');
    if (/authentication failed|could not read username|\b40[13]\b/i.test(detail)) {
      return new MirrorError(`forge refused the token: git ${what} from ${this.remote} failed (${reason}). Check MCPBOX_FORGE_TOKEN and its permissions.`, 'forge_rejected');
    }
    return new MirrorError(`forge unreachable: git ${what} from ${this.remote} failed (${reason}).`);
  }
}
