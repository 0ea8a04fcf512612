// Liveness and readiness. /healthz: the process answers. /readyz: the tools repo is readable, the
// live registry holds a revision, and the sandbox's first child has booted: the gateway serves what
// main says, and the first call does not wait for a Python runtime to start.
import type { FastifyPluginAsync } from 'fastify';
import type { LiveRegistry } from '@mcpbox/reconciler';
import { QUIET_REQUEST_LOG } from '../app/request-logging.ts';
import type { MainStateReader } from '../services/main-state.ts';

export interface HealthRouteOptions {
  mainState: MainStateReader;
  registry: LiveRegistry;
  /** True while the sandbox pre-starts its first child (a child that fails to start ends this too). */
  sandboxWarming?: () => boolean;
}

export const healthRoutes: FastifyPluginAsync<HealthRouteOptions> = async (app, { mainState, registry, sandboxWarming }) => {
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
      sandbox: sandboxWarming?.() ? { ok: false, message: 'a Python sandbox child is still starting' } : { ok: true },
    };
    const ready = checks.repo.ok && checks.registry.ok && checks.sandbox.ok;
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', checks });
  });
};
