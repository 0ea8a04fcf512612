// The data behind the status pages, kept current by the gateway: data.json is composed from main,
// the live registry, the reconciler's status.json and the forge's pull requests on request, and
// reused while none of them moved (briefly, so call figures still refresh). Pull requests of a
// remote forge are an API call each time, so they are kept for a while; if the forge is down the
// pages keep the last list rather than fail.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tryResolveCommit, PULLS_REF, type BranchForge, type PullRequest } from '@mcpbox/core';
import { ReconcilerStatusSchema, STATUS_FILE, type LiveRegistry, type ReconcilerStatus } from '@mcpbox/reconciler';
import { SiteDataComposer, type CallStatsSource, type SiteData, type SiteLinks, type SiteSources, type SiteTool } from '@mcpbox/site';

const REUSE_MS = 2000;
/** How long a remote forge's pull request list is reused (its API has rate limits; pages poll). */
const REMOTE_PULLS_MS = 30_000;

export interface StatusSiteDataOptions {
  dataDir: string;
  gitDir: string;
  registry: LiveRegistry;
  forge: BranchForge;
  links?: SiteLinks;
  calls?: CallStatsSource | null;
}

export class StatusSiteData {
  readonly #options: StatusSiteDataOptions;
  readonly #composer: SiteDataComposer;
  #last: { key: string; at: number; data: Promise<SiteData> } | null = null;
  #pulls: { key: string; at: number; list: PullRequest[] } | null = null;

  constructor(options: StatusSiteDataOptions) {
    this.#options = options;
    this.#composer = new SiteDataComposer({ gitDir: options.gitDir, ...(options.links ? { links: options.links } : {}) });
  }

  /** status.json as the reconciler last wrote it (text, unchanged), or null before its first write. */
  async statusText(): Promise<string | null> {
    try {
      return await readFile(join(this.#options.dataDir, STATUS_FILE), 'utf8');
    } catch {
      return null;
    }
  }

  async status(): Promise<ReconcilerStatus | null> {
    const text = await this.statusText();
    if (text === null) return null;
    try {
      const parsed = ReconcilerStatusSchema.safeParse(JSON.parse(text));
      return parsed.success ? parsed.data : null;
    } catch {
      // Written atomically, so a parse failure means a foreign file: show no status rather than fail the page.
      return null;
    }
  }

  async data(): Promise<SiteData> {
    const { gitDir } = this.#options;
    const [main, pullsHead, status] = await Promise.all([tryResolveCommit(gitDir, 'refs/heads/main'), tryResolveCommit(gitDir, PULLS_REF), this.status()]);
    const live = this.#options.registry.current();
    const key = [main ?? '', pullsHead ?? '', live?.revision ?? '', status?.updatedAt ?? ''].join('|');
    if (this.#last && this.#last.key === key && Date.now() - this.#last.at < REUSE_MS) return this.#last.data;
    const data = (async () => this.#composer.compose(await this.#sources(main ?? null, status)))();
    this.#last = { key, at: Date.now(), data };
    data.catch(() => {
      if (this.#last?.data === data) this.#last = null;
    });
    return data;
  }

  /** One tool in full for its page; null when main has no such tool. */
  async tool(id: string): Promise<SiteTool | null> {
    const [main, status] = await Promise.all([tryResolveCommit(this.#options.gitDir, 'refs/heads/main'), this.status()]);
    return this.#composer.composeTool(await this.#sources(main ?? null, status), id);
  }

  async #sources(main: string | null, status: ReconcilerStatus | null): Promise<SiteSources> {
    return {
      source: 'gateway',
      mainRevision: main,
      live: this.#options.registry.current(),
      status,
      pulls: await this.#pullRequests(),
      calls: this.#options.calls ?? null,
    };
  }

  async #pullRequests(): Promise<PullRequest[]> {
    const { forge, gitDir } = this.#options;
    // The local forge's records live on one ref: a new list exactly when that ref moved.
    const key = forge.kind === 'local' ? ((await tryResolveCommit(gitDir, PULLS_REF)) ?? '') : 'remote';
    const cached = this.#pulls;
    if (cached && cached.key === key && (forge.kind === 'local' || Date.now() - cached.at < REMOTE_PULLS_MS)) return cached.list;
    try {
      const list = await forge.listPullRequests({ state: 'all' });
      this.#pulls = { key, at: Date.now(), list };
      return list;
    } catch (err) {
      if (cached) return cached.list;
      throw err;
    }
  }
}
