// Per-caller rate limit on /mcp, through @fastify/rate-limit: a minute's window per identity (the
// token name, OIDC subject or front user; the peer address for anonymous callers). A caller past the
// limit gets 429 with Retry-After in whole seconds and a JSON-RPC error. The plugin also makes
// `app.createRateLimit` available to every scope, for limits of their own (the status site's sign-in).
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import fastifyPlugin from 'fastify-plugin';
import fastifyRateLimit from '@fastify/rate-limit';
import type { GatewayMetrics } from '../observability/gateway-metrics.ts';

interface RateLimitOptions {
  perMinute: number;
  metrics?: GatewayMetrics;
}

export const RATE_WINDOW_MS = 60_000;

/** The key of a caller known only by its address (anonymous, or before it has signed in). */
export function peerKey(request: FastifyRequest): string {
  return `peer:${request.socket.remoteAddress ?? '?'}`;
}

function callerKey(request: FastifyRequest): string {
  const identity = request.identity;
  return identity === undefined || identity.kind === 'anonymous' ? peerKey(request) : `${identity.kind}:${identity.name}`;
}

const rateLimitPlugin: FastifyPluginAsync<RateLimitOptions> = async (app, { perMinute, metrics }) => {
  // global: false — nothing is limited unless a route or hook asks (below, and the status site).
  await app.register(fastifyRateLimit, { global: false });
  if (perMinute <= 0) return;
  const check = app.createRateLimit({ max: perMinute, timeWindow: RATE_WINDOW_MS, keyGenerator: callerKey });
  // A hook after authentication (registered after it), so the key is the caller, not the socket.
  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/mcp') || request.method !== 'POST') return;
    const limit = await check(request);
    if (limit.isAllowed || !limit.isExceeded) return;
    const seconds = Math.max(1, limit.ttlInSeconds);
    const identity = request.identity;
    // Token names are a fixed, configured set; OIDC subjects and front users are not, so they are
    // counted by kind to keep the metric's label set bounded.
    metrics?.rateLimited.inc({ caller: identity?.kind === 'bearer' ? identity.name : (identity?.kind ?? 'anonymous') });
    void reply.header('retry-after', String(seconds));
    return reply.status(429).send({
      jsonrpc: '2.0',
      error: { code: -32002, message: `Rate limit: at most ${perMinute} requests per minute per caller. Retry after ${seconds} s.` },
      id: null,
    });
  });
};

// The limit covers /mcp wherever it is registered, and createRateLimit is decorated on the app.
export const rateLimit = fastifyPlugin(rateLimitPlugin);
