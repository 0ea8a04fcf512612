// The composition root of the HTTP gateway: wires config, the live registry, the sandbox and the
// MCP layer into one Fastify app. Every concern is a plugin registered here, once.
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { createMcpHandler } from '@modelcontextprotocol/server';
import type { Logger } from 'pino';
import type { ServerSwitchRepository } from '@mcpbox/core';
import type { LiveRegistry } from '@mcpbox/reconciler';
import type { Sandbox } from '@mcpbox/sandbox';
import type { GatewayConfig } from '../config/index.ts';
import { errorReplies } from '../http/error-replies.ts';
import { healthRoutes } from '../http/health-routes.ts';
import { mcpRoute } from '../http/mcp-route.ts';
import { requestGuards } from '../http/request-guards.ts';
import { createGatewayMcp, type GatewayMcp } from '../mcp/gateway-mcp.ts';
import { LegacySessions, type LegacySessionOptions } from '../mcp/legacy-sessions.ts';
import type { ManagementTool } from '../tools/define-tool.ts';
import { createLogger } from './logger.ts';

export const DEFAULT_BODY_LIMIT = 4 * 1024 * 1024;

export interface GatewayOptions {
  config: Pick<GatewayConfig, 'host' | 'port' | 'repo' | 'allowedHosts' | 'allowedOrigins' | 'logLevel'>;
  registry: LiveRegistry;
  sandbox?: Sandbox | null;
  logger?: Logger;
  tools?: readonly ManagementTool[];
  bodyLimit?: number;
  /** Limits of the 2025-era sessions (count, idle time). */
  legacySessions?: LegacySessionOptions;
  /** Runtime start/stop switches from the state store. */
  serverSwitches?: ServerSwitchRepository | null;
}

export interface Gateway {
  app: FastifyInstance;
  mcp: GatewayMcp;
  legacySessions: LegacySessions;
  /** Binds host:port from the config and resolves with the MCP URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

export async function createGateway(options: GatewayOptions): Promise<Gateway> {
  const { config, registry } = options;
  const logger = options.logger ?? createLogger(config.logLevel);
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;

  const mcp = createGatewayMcp({ gitDir: config.repo, registry, sandbox: options.sandbox ?? null, serverSwitches: options.serverSwitches ?? null, logger, ...(options.tools ? { tools: options.tools } : {}) });
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
  });
  app.addHook('onRequest', async (request, reply) => {
    reply.raw.setHeader('x-request-id', request.id);
  });
  await app.register(errorReplies, { bodyLimit });
  await app.register(requestGuards, { allowedHosts: config.allowedHosts, allowedOrigins: config.allowedOrigins });
  await app.register(healthRoutes, { mainState: mcp.services.mainState, registry });
  await app.register(mcpRoute, { modern, legacy: legacySessions, bodyLimit });

  let closed = false;
  return {
    app,
    mcp,
    legacySessions,
    async listen() {
      const address = await app.listen({ host: config.host, port: config.port });
      const url = new URL(address);
      return `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${url.port}/mcp`;
    },
    async close() {
      if (closed) return;
      closed = true;
      stopWatching();
      await legacySessions.close();
      await modern.close();
      await app.close();
    },
  };
}
