// Liveness and readiness. /healthz: the process answers. /readyz: the tools repo is readable and
// the live registry holds a revision, i.e. the gateway serves what main says.
import type { FastifyPluginAsync } from 'fastify';
import type { LiveRegistry } from '@mcpbox/reconciler';
import { QUIET_REQUEST_LOG } from '../app/request-logging.ts';
import type { MainStateReader } from '../services/main-state.ts';

export interface HealthRouteOptions {
  mainState: MainStateReader;
  registry: LiveRegistry;
}

export const healthRoutes: FastifyPluginAsync<HealthRouteOptions> = async (app, { mainState, registry }) => {
  // Probes come every few seconds: their request lines are debug, not info.
  app.get('/healthz', QUIET_REQUEST_LOG, async () => ({ status: 'ok' }));

  app.get('/readyz', QUIET_REQUEST_LOG, async (_request, reply) => {
    let main: string | null = null;
    let repoProblem: string | null = null;
    try {
      main = await mainState.mainSha();
    } catch (err) {
      repoProblem = err instanceof Error ? err.message : 'repo unreadable';
    }
    const live = registry.current();
    const checks = {
      repo: repoProblem === null ? { ok: true, main } : { ok: false, message: repoProblem },
      registry: live === null ? { ok: false, message: 'no revision of main has been applied yet' } : { ok: true, revision: live.revision },
    };
    const ready = checks.repo.ok && checks.registry.ok;
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', checks });
  });
};
