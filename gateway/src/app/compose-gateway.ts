// The composition root, for `mcpbox up` (HTTP) and `mcpbox stdio` (embedded) alike: config → tools
// repo → state store → forge (local, or a remote's adapter over its mirror) → sandbox → reconciler →
// what the services and MCP servers are built from. The transports are the only difference: HTTP
// passes `options` to createGateway, stdio to createGatewayCore + serveOverStdio. With a remote
// forge both write through the forge's API (never into the mirror, which every fetch prunes).
import { initRepo } from '@mcpbox/core';
import type { Logger } from 'pino';
import type { GatewayConfig } from '../config/index.ts';
import type { GatewayOptions } from './create-gateway.ts';
import { createRuntime, type Runtime } from './runtime.ts';
import { GATEWAY_IDENTITY, TEMPLATE_DIR } from './template-dir.ts';

interface ComposedGateway {
  runtime: Runtime;
  /** Everything the transports serve; the stdio transport uses the subset createGatewayCore reads. */
  options: GatewayOptions & { logger: Logger };
}

export async function composeGateway(config: GatewayConfig, logger: Logger): Promise<ComposedGateway> {
  // The embedded repo is created from the template on first start. A remote forge's repo already
  // exists on the forge; the runtime fetches it into the mirror, which is never initialised here.
  if (config.remote === null) {
    const repo = await initRepo(config.repo, TEMPLATE_DIR, GATEWAY_IDENTITY);
    if (repo.created) logger.info({ repo: repo.gitDir, main: repo.main }, 'created the tools repo from the template');
  }
  const runtime = createRuntime(config, logger);
  return {
    runtime,
    options: {
      config,
      registry: runtime.registry,
      sandbox: runtime.sandbox,
      serverSwitches: runtime.serverSwitches,
      logger,
      auth: config.authSettings,
      limits: config.limits,
      metrics: runtime.metrics,
      executionLogs: runtime.executionLogs,
      reconcilerStatus: () => runtime.reconciler.status(),
      sandboxWarming: () => runtime.sandboxWarming(),
      secrets: runtime.secrets,
      forge: runtime.forge,
      webhooks: config.webhookSecret === null ? null : { secret: config.webhookSecret, pokes: runtime.pokes },
    },
  };
}

