// The status site under /status/: the static pages Astro built (site/dist), plus the data files
// they read, served fresh: status.json (the reconciler's own file), data.json (composed from main,
// the live registry, the status and the pull requests) and tools/<id>.json (one tool in full). Pages render the JSON in the
// browser, so an applied revision shows without rebuilding the site.
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { BranchForge } from '@mcpbox/core';
import type { LiveRegistry } from '@mcpbox/reconciler';
import type { CallStatsSource, SiteLinks } from '@mcpbox/site';
import { SITE_DIST_DIR } from '@mcpbox/site/build';
import { QUIET_REQUEST_LOG } from '../app/request-logging.ts';
import type { Authenticator } from '../auth/authenticator.ts';
import type { GatewayMetrics } from '../observability/gateway-metrics.ts';
import { statusSiteAuth } from './status-site-auth.ts';
import { StatusSiteBuild } from './status-site-build.ts';
import { StatusSiteData } from './status-site-data.ts';
import { StatusSiteFiles } from './status-site-files.ts';

const STATUS_PREFIX = '/status/';

// Everything the pages load comes from this origin; the policy makes the browser refuse the rest.
const CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

export interface StatusSiteOptions {
  dataDir: string;
  gitDir: string;
  registry: LiveRegistry;
  /** Read-only use: pull requests for the pending page and the PR of each version. */
  forge: BranchForge;
  /** The built site; defaults to the site workspace's dist/. */
  siteDir?: string;
  /** Build siteDir in the background when it is missing or stale (`mcpbox up`); tests serve a prebuilt one. */
  buildWhenStale?: boolean;
  /** The same Authenticator as /mcp: checks sign-in tokens and credentialed requests. */
  authenticator: Authenticator;
  metrics?: GatewayMetrics;
  links?: SiteLinks;
  calls?: CallStatsSource | null;
}

export const statusSite: FastifyPluginAsync<StatusSiteOptions> = async (app, options) => {
  const files = new StatusSiteFiles(options.siteDir ?? SITE_DIST_DIR);
  const data = new StatusSiteData(options);
  const build = options.buildWhenStale === true ? new StatusSiteBuild(files.root, app.log) : null;
  statusSiteAuth(app, { authenticator: options.authenticator, metrics: options.metrics });

  const secure = (reply: FastifyReply) =>
    reply.header('content-security-policy', CONTENT_SECURITY_POLICY).header('x-content-type-options', 'nosniff').header('referrer-policy', 'no-referrer');

  app.get('/status', async (_request, reply) => reply.redirect(STATUS_PREFIX, 301));

  // Pages, assets and the data the pages poll every 5 s: their request lines are debug, not info.
  app.get('/status/status.json', QUIET_REQUEST_LOG, async (_request, reply) => {
    const text = await data.statusText();
    secure(reply).header('cache-control', 'no-store');
    if (text === null) return reply.status(404).type('application/json').send({ error: 'not_found', message: 'The reconciler has not written status.json yet; it does after its first reconcile.' });
    return reply.type('application/json; charset=utf-8').send(text);
  });

  app.get('/status/data.json', QUIET_REQUEST_LOG, async (request, reply) => {
    secure(reply).header('cache-control', 'no-store');
    try {
      return reply.type('application/json; charset=utf-8').send(JSON.stringify(await data.data()));
    } catch (err) {
      request.log.warn({ err }, 'status data could not be composed');
      return reply.status(503).send({ error: 'unavailable', message: 'The status data could not be composed from the tools repo; see the gateway log, then reload.' });
    }
  });

  app.get('/status/tools/:file', QUIET_REQUEST_LOG, async (request, reply) => {
    const file = (request.params as { file: string }).file;
    secure(reply).header('cache-control', 'no-store');
    const id = /^([a-z][a-z0-9_]*)\.json$/.exec(file)?.[1];
    if (!id) return reply.status(404).send({ error: 'not_found', message: `No ${STATUS_PREFIX}tools/${file}: tool details are at ${STATUS_PREFIX}tools/<server>__<tool>.json.` });
    try {
      const tool = await data.tool(id);
      if (!tool) return reply.status(404).send({ error: 'not_found', message: `main has no tool ${id}; ${STATUS_PREFIX}data.json lists the tools there are.` });
      return reply.type('application/json; charset=utf-8').send(JSON.stringify(tool));
    } catch (err) {
      request.log.warn({ err }, 'status tool data could not be composed');
      return reply.status(503).send({ error: 'unavailable', message: 'The tool data could not be composed from the tools repo; see the gateway log, then reload.' });
    }
  });

  app.get('/status/*', QUIET_REQUEST_LOG, async (request, reply) => {
    const relative = (request.params as { '*': string })['*'] ?? '';
    secure(reply);
    const file = await files.read(relative);
    if (file) return reply.header('cache-control', file.cacheControl).type(file.contentType).send(file.body);
    const state = build?.state;
    if (state?.phase === 'building')
      return reply
        .status(503)
        .header('retry-after', String(BUILDING_RETRY_S))
        .header('cache-control', 'no-store')
        .type('text/html; charset=utf-8')
        .send(buildingPage());
    if (state?.phase === 'failed')
      return reply
        .status(503)
        .type('text/plain; charset=utf-8')
        .send(`The status site could not be built (${state.detail}). Run \`npm run build -w site\` to see why, then restart or reload. Its data is at /status/data.json.`);
    if (!(await files.isBuilt()))
      return reply
        .status(503)
        .type('text/plain; charset=utf-8')
        .send(`The status site is not built (no ${files.root}index.html). Run \`npm run build -w site\`, then reload. Its data is at /status/data.json.`);
    return reply.status(404).type('text/plain; charset=utf-8').send(`No page ${STATUS_PREFIX}${relative}. Start at ${STATUS_PREFIX}.`);
  });
};

const BUILDING_RETRY_S = 3;

// Reloads itself by a meta refresh: the site's CSP allows no inline script.
function buildingPage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="${BUILDING_RETRY_S}">
<title>Building · mcpbox status</title>
<style>:root { color-scheme: light dark; font-family: system-ui, sans-serif; } body { max-width: 32rem; margin: 3rem auto; padding: 0 1rem; }</style>
</head>
<body>
<main>
<h1>The status site is being built</h1>
<p>This happens once, on the first start (a few seconds). This page reloads by itself; its data is already at <a href="${STATUS_PREFIX}data.json">data.json</a>.</p>
</main>
</body>
</html>
`;
}
