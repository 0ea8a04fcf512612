// The status site's pages on a fresh checkout: `npm start` builds them when they are missing or older
// than their sources (site/src/site-build.ts, under the same lock as the tests), in a child process
// so the gateway serves MCP at once. Meanwhile a page request gets a short "building" page.
import type { FastifyBaseLogger } from 'fastify';
import { buildSiteIfStale, siteIsStale } from '@mcpbox/site/build';

export type SiteBuildState = { phase: 'built' } | { phase: 'building'; since: number } | { phase: 'failed'; detail: string };

export class StatusSiteBuild {
  #state: SiteBuildState = { phase: 'built' };
  #done: Promise<void> = Promise.resolve();

  /** Starts a build of `siteDir` when it is stale; the returned state says how it goes. */
  constructor(siteDir: string, log: FastifyBaseLogger) {
    if (!siteIsStale(siteDir)) return;
    const started = Date.now();
    this.#state = { phase: 'building', since: started };
    log.info({ siteDir }, 'building the status site (missing or older than its sources)');
    this.#done = buildSiteIfStale(siteDir).then(
      () => {
        this.#state = { phase: 'built' };
        log.info({ siteDir, ms: Date.now() - started }, 'status site built');
      },
      (err: unknown) => {
        const detail = err instanceof Error ? err.message : String(err);
        this.#state = { phase: 'failed', detail };
        log.error({ siteDir, reason: detail }, 'the status site could not be built; /status/ explains how to build it by hand');
      },
    );
  }

  get state(): SiteBuildState {
    return this.#state;
  }

  /** Settles when the build (if any) has finished, either way. */
  settled(): Promise<void> {
    return this.#done;
  }
}
