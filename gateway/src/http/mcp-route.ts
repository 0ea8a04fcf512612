// /mcp, both protocol eras on one URL: 2026-07-28 requests (they carry the per-request envelope)
// go to the SDK's strict modern handler; 2025-era requests go to the sessionful legacy leg. The
// routing predicate is the SDK's own, so the two can never disagree about a request.
import type { FastifyPluginAsync } from 'fastify';
import { toNodeHandler, toWebRequest } from '@modelcontextprotocol/node';
import { isLegacyRequest, type McpHttpHandler } from '@modelcontextprotocol/server';
import { sendJsonRpcError, type LegacySessions } from '../mcp/legacy-sessions.ts';
import { INVALID_PARAMS, messageDepthProblem } from '../mcp/message-depth.ts';
import { isBrowserNavigation, mcpEndpointPage } from './mcp-endpoint-page.ts';

export interface McpRouteOptions {
  modern: McpHttpHandler;
  legacy: LegacySessions;
  bodyLimit: number;
}

export const mcpRoute: FastifyPluginAsync<McpRouteOptions> = async (app, { modern, legacy, bodyLimit }) => {
  const serveModern = toNodeHandler(modern, {
    maxRequestBodySize: bodyLimit,
    onerror: (err) => app.log.error({ err }, 'modern MCP handler failed'),
  });

  app.route({
    method: ['GET', 'POST', 'DELETE'],
    url: '/mcp',
    handler: async (request, reply) => {
      if (isBrowserNavigation(request)) {
        return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(mcpEndpointPage(`${request.protocol}://${request.host}`));
      }
      // The SDK transports write the raw response themselves (JSON or an SSE stream).
      reply.hijack();
      const body = request.body;
      // Before anything recursive touches the body (the SDK's request conversion is the first).
      const tooDeep = messageDepthProblem(body);
      if (tooDeep !== undefined) {
        sendJsonRpcError(reply.raw, 400, INVALID_PARAMS, tooDeep);
        return;
      }
      try {
        const legacyEra = await isLegacyRequest(await toWebRequest(request.raw, body), body, { maxRequestBodySize: bodyLimit });
        if (legacyEra) await legacy.handle(request.raw, reply.raw, body);
        else await serveModern(request.raw, reply.raw, body);
      } catch (err) {
        request.log.error({ err }, 'MCP request failed');
        if (!reply.raw.headersSent) sendJsonRpcError(reply.raw, 500, -32603, 'Internal error on the gateway (details are in the gateway log).');
        else reply.raw.end();
      }
    },
  });
};

