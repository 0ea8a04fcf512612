// The status site under /status/: the static pages Astro built (site/dist), plus the data files
// they read, served fresh: status.json (the reconciler's own file), data.json (composed from main,
// the live registry, the status and the pull requests) and tools/<id>.json (one tool in full). Pages render the JSON in the
// browser, so an applied revision shows without rebuilding the site.
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { BranchForge } from '@mcpbox/core';
import type { LiveRegistry } from '@mcpbox/reconciler';
import { SITE_DIST_DIR, type CallStatsSource, type SiteLinks } from '@mcpbox/site';
import { StatusSiteData } from './status-site-data.ts';
import { StatusSiteFiles } from './status-site-files.ts';

export const STATUS_PREFIX = '/status/';

// Everything the pages load comes from this origin; the policy makes the browser refuse the rest.
const CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export interface StatusSiteOptions {
  dataDir: string;
  gitDir: string;
  registry: LiveRegistry;
  /** Read-only use: pull requests for the pending page and the PR of each version. */
  forge: BranchForge;
  /** The built site; defaults to the site workspace's dist/. */
  siteDir?: string;
  links?: SiteLinks;
  calls?: CallStatsSource | null;
}

export const statusSite: FastifyPluginAsync<StatusSiteOptions> = async (app, options) => {
  const files = new StatusSiteFiles(options.siteDir ?? SITE_DIST_DIR);
  const data = new StatusSiteData(options);

  const secure = (reply: FastifyReply) =>
    reply.header('content-security-policy', CONTENT_SECURITY_POLICY).header('x-content-type-options', 'nosniff').header('referrer-policy', 'no-referrer');

  app.get('/status', async (_request, reply) => reply.redirect(STATUS_PREFIX, 301));

  app.get('/status/status.json', async (_request, reply) => {
    const text = await data.statusText();
    secure(reply).header('cache-control', 'no-store');
    if (text === null) return reply.status(404).type('application/json').send({ error: 'not_found', message: 'The reconciler has not written status.json yet; it does after its first reconcile.' });
    return reply.type('application/json; charset=utf-8').send(text);
  });

  app.get('/status/data.json', async (request, reply) => {
    secure(reply).header('cache-control', 'no-store');
    try {
      return reply.type('application/json; charset=utf-8').send(JSON.stringify(await data.data()));
    } catch (err) {
      request.log.warn({ err }, 'status data could not be composed');
      return reply.status(503).send({ error: 'unavailable', message: 'The status data could not be composed from the tools repo; see the gateway log, then reload.' });
    }
  });

  app.get('/status/tools/:file', async (request, reply) => {
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

  app.get('/status/*', async (request, reply) => {
    const relative = (request.params as { '*': string })['*'] ?? '';
    secure(reply);
    const file = await files.read(relative);
    if (file) return reply.header('cache-control', file.cacheControl).type(file.contentType).send(file.body);
    if (!(await files.isBuilt()))
      return reply
        .status(503)
        .type('text/plain; charset=utf-8')
        .send(`The status site is not built (no ${files.root}index.html). Run \`npm run build -w site\`, then reload. Its data is at /status/data.json.`);
    return reply.status(404).type('text/plain; charset=utf-8').send(`No page ${STATUS_PREFIX}${relative}. Start at ${STATUS_PREFIX}.`);
  });
};
