// GET /metrics in the Prometheus text format, behind the same authentication as /mcp.
import type { FastifyPluginAsync } from 'fastify';
import type { GatewayMetrics } from '../observability/gateway-metrics.ts';

export const metricsRoute: FastifyPluginAsync<{ metrics: GatewayMetrics }> = async (app, { metrics }) => {
  app.get('/metrics', async (_request, reply) => {
    void reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });
};
