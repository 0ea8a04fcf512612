// The HTTP transport of the gateway: the shared core (gateway-core.ts) behind one Fastify app, whose
// every concern is a plugin registered here, once. compose-gateway.ts wires what it serves.
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { createMcpHandler } from '@modelcontextprotocol/server';
import type { Logger } from 'pino';
import { createLocalBranchForge, type BranchForge, type ServerSwitchRepository } from '@mcpbox/core';
import type { SecretStore } from '@mcpbox/core';
import type { LiveRegistry, ReconcilerStatus } from '@mcpbox/reconciler';
import type { Sandbox } from '@mcpbox/sandbox';
import { Authenticator } from '../auth/authenticator.ts';
import type { AuthSettings } from '../auth/auth-settings.ts';
import type { GatewayConfig, OperationLimits } from '../config/index.ts';
import { authentication } from '../http/auth.ts';
import { errorReplies } from '../http/error-replies.ts';
import { metricsRoute } from '../http/metrics.ts';
import { rateLimit } from '../http/rate-limit.ts';
import { healthRoutes } from '../http/health-routes.ts';
import { mcpRoute } from '../http/mcp-route.ts';
import { requestGuards } from '../http/request-guards.ts';
import { statusSite, type StatusSiteOptions } from '../http/status-site.ts';
import { ExecutionLogCallStats } from '../http/status-site-calls.ts';
import { forgeLinks } from '../http/status-site-links.ts';
import type { PokeScheduler } from '../http/webhooks/poke-scheduler.ts';
import { webhookRoutes } from '../http/webhooks/webhook-routes.ts';
import type { GatewayMcp } from '../mcp/gateway-mcp.ts';
import { LegacySessions, type LegacySessionOptions } from '../mcp/legacy-sessions.ts';
import type { CallPipeline } from '../observability/call-pipeline.ts';
import type { ExecutionLogWriter } from '../observability/execution-log-writer.ts';
import type { GatewayMetrics } from '../observability/gateway-metrics.ts';
import type { ManagementTool } from '../tools/define-tool.ts';
import { createGatewayCore } from './gateway-core.ts';
import { createLogger } from './logger.ts';
import { QuietRoutesLogController } from './request-logging.ts';
import { RequestDrain } from './request-drain.ts';
import { GATEWAY_IDENTITY } from './template-dir.ts';

export const DEFAULT_BODY_LIMIT = 4 * 1024 * 1024;

export interface GatewayOptions {
  /** With `dataDir`, the status site is served at /status/ (it reads the reconciler's status.json there). */
  config: Pick<GatewayConfig, 'host' | 'port' | 'repo' | 'allowedHosts' | 'allowedOrigins' | 'logLevel'> & Partial<Pick<GatewayConfig, 'dataDir' | 'remote'>>;
  registry: LiveRegistry;
  sandbox?: Sandbox | null;
  logger?: Logger;
  tools?: readonly ManagementTool[];
  bodyLimit?: number;
  /** Limits of the 2025-era sessions (count, idle time). */
  legacySessions?: LegacySessionOptions;
  /** Runtime start/stop switches from the state store. */
  serverSwitches?: ServerSwitchRepository | null;
  /** A remote forge's adapter (MCPBOX_FORGE=github|gitea); default: the local forge over config.repo. */
  forge?: BranchForge | null;
  /** Serves /webhooks/github and /webhooks/gitea, which only poke the reconciler. */
  webhooks?: { secret: string; pokes: PokeScheduler } | null;
  /** Where the built site is, forge links, call figures; false turns the status site off. */
  statusSite?: Pick<StatusSiteOptions, 'siteDir' | 'buildWhenStale' | 'links' | 'calls'> | false;
  /** Auth mode and its settings; default `none` (the config only allows that on loopback). */
  auth?: AuthSettings;
  limits?: Partial<OperationLimits>;
  metrics?: GatewayMetrics;
  /** Durable execution logs; without them calls are not recorded. */
  executionLogs?: ExecutionLogWriter | null;
  /** Encrypted server secrets: handed to each server's own sandbox runs, kept out of logs. */
  secrets?: SecretStore | null;
  /** The reconciler's status, for mcpbox_get_status. */
  reconcilerStatus?: (() => ReconcilerStatus) | null;
  /** True while the sandbox pre-starts its first child; /readyz waits for it (see runtime.ts). */
  sandboxWarming?: () => boolean;
  /** The credential `mcpbox stdio` bridges present as the local operator (see running-gateway.ts). */
  localOperatorToken?: string | null;
}

export interface Gateway {
  app: FastifyInstance;
  mcp: GatewayMcp;
  legacySessions: LegacySessions;
  metrics: GatewayMetrics;
  pipeline: CallPipeline;
  /**
   * Graceful stop: refuse new work, wait up to `graceMs` for in-flight calls (their log entries are
   * committed before their responses), then close. Resolves whether every call finished in time.
   */
  shutdown(graceMs: number): Promise<boolean>;
  /** Binds host:port from the config and resolves with the MCP URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

export async function createGateway(options: GatewayOptions): Promise<Gateway> {
  const { config, registry } = options;
  const logger = options.logger ?? createLogger(config.logLevel);
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;

  const auth: AuthSettings = options.auth ?? { mode: 'none', bearerTokens: [], remoteToolEditing: false };
  const { mcp, pipeline, metrics } = createGatewayCore({ ...options, repo: config.repo, logger, remoteToolEditing: auth.remoteToolEditing });
  const modern = createMcpHandler(() => mcp.newServer(), {
    legacy: 'reject',
    maxRequestBodySize: bodyLimit,
    onerror: (err) => logger.debug({ err }, 'modern MCP request rejected'),
  });
  const legacySessions = new LegacySessions(() => mcp.newServer(), options.legacySessions);

  // Every applied revision reaches every connected client: unsolicited list_changed on legacy
  // sessions, a subscriptions/listen event for modern listeners.
  const stopWatching = registry.onChange((next) => {
    logger.info({ revision: next.revision, tools: next.tools.size }, 'tool list changed; notifying clients');
    legacySessions.notifyToolsChanged();
    modern.notify.toolsChanged();
  });

  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit,
    genReqId: () => randomUUID(),
    requestIdHeader: 'x-request-id',
    // SSE streams stay open; closing the server must not wait for them forever.
    forceCloseConnections: true,
    // Probes and status-site pages log their requests at debug (app/request-logging.ts).
    logController: new QuietRoutesLogController(),
  });
  app.addHook('onRequest', async (request, reply) => {
    reply.raw.setHeader('x-request-id', request.id);
  });
  await app.register(errorReplies, { bodyLimit });
  await app.register(requestGuards, { allowedHosts: config.allowedHosts, allowedOrigins: config.allowedOrigins });
  // While shutting down, new MCP work is refused so accepted requests can finish.
  const requests = new RequestDrain();
  requests.install(app);
  const authenticator = new Authenticator(auth, options.localOperatorToken ?? null);
  await app.register(authentication, { authenticator, metrics });
  await app.register(rateLimit, { perMinute: options.limits?.rateLimitPerMinute ?? 0, metrics });
  await app.register(metricsRoute, { metrics });
  await app.register(healthRoutes, { mainState: mcp.services.mainState, registry, ...(options.sandboxWarming ? { sandboxWarming: options.sandboxWarming } : {}) });
  await app.register(mcpRoute, { modern, legacy: legacySessions, bodyLimit });
  if (options.webhooks) await app.register(webhookRoutes, { secret: options.webhooks.secret, pokes: options.webhooks.pokes });
  if (config.dataDir !== undefined && options.statusSite !== false) {
    // The site only reads pull requests; a branch forge cannot write main either way.
    const forge = options.forge ?? createLocalBranchForge({ gitDir: config.repo, identity: GATEWAY_IDENTITY });
    await app.register(statusSite, {
      dataDir: config.dataDir,
      gitDir: config.repo,
      registry,
      forge,
      links: forgeLinks(config.remote),
      calls: options.executionLogs ? new ExecutionLogCallStats(options.executionLogs.repository) : null,
      authenticator,
      metrics,
      ...(options.statusSite ?? {}),
    });
  }

  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    stopWatching();
    await legacySessions.close();
    await modern.close();
    await app.close();
  };
  return {
    app,
    mcp,
    legacySessions,
    metrics,
    pipeline,
    async shutdown(graceMs) {
      const started = Date.now();
      const accepted = requests.drain(graceMs);
      // Stop accepting connections; idle keep-alive sockets go now, busy ones after their response.
      app.server.close();
      app.server.closeIdleConnections();
      const drained = (await accepted) && (await pipeline.drain(Math.max(0, graceMs - (Date.now() - started))));
      logger.info({ drained, inFlight: pipeline.inFlight, requests: requests.active }, drained ? 'in-flight calls finished' : 'grace period over; closing with calls in flight');
      options.executionLogs?.flush();
      await close();
      return drained;
    },
    async listen() {
      const address = await app.listen({ host: config.host, port: config.port });
      const url = new URL(address);
      return `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${url.port}/mcp`;
    },
    close,
  };
}
