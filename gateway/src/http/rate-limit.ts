// Per-caller rate limit on /mcp: a token bucket per identity (the token name, OIDC subject or front
// user; the peer address for anonymous callers) holding a minute's allowance and refilling
// continuously. An empty bucket answers 429 with Retry-After in whole seconds.
import type { FastifyPluginAsync } from 'fastify';
import type { GatewayMetrics } from '../observability/gateway-metrics.ts';

export interface RateLimitOptions {
  perMinute: number;
  metrics?: GatewayMetrics;
}

interface Bucket {
  tokens: number;
  updated: number;
}

export class TokenBuckets {
  readonly #capacity: number;
  readonly #perMs: number;
  readonly #buckets = new Map<string, Bucket>();

  constructor(perMinute: number) {
    this.#capacity = perMinute;
    this.#perMs = perMinute / 60_000;
  }

  /** 0 when a token was taken, else the milliseconds until one is available. */
  take(key: string, now = Date.now()): number {
    let bucket = this.#buckets.get(key);
    if (bucket === undefined) {
      if (this.#buckets.size > 10_000) this.sweep(now);
      bucket = { tokens: this.#capacity, updated: now };
      this.#buckets.set(key, bucket);
    }
    bucket.tokens = Math.min(this.#capacity, bucket.tokens + (now - bucket.updated) * this.#perMs);
    bucket.updated = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - bucket.tokens) / this.#perMs);
  }

  /** Forget callers whose bucket is full again (they would start full anyway). */
  private sweep(now: number): void {
    for (const [key, b] of this.#buckets) if (b.tokens + (now - b.updated) * this.#perMs >= this.#capacity) this.#buckets.delete(key);
  }
}

const rateLimitPlugin: FastifyPluginAsync<RateLimitOptions> = async (app, { perMinute, metrics }) => {
  if (perMinute <= 0) return;
  const buckets = new TokenBuckets(perMinute);
  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/mcp') || request.method !== 'POST') return;
    const identity = request.identity;
    const key = identity === undefined || identity.kind === 'anonymous' ? `peer:${request.socket.remoteAddress ?? '?'}` : `${identity.kind}:${identity.name}`;
    const waitMs = buckets.take(key);
    if (waitMs === 0) return;
    const seconds = Math.max(1, Math.ceil(waitMs / 1000));
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

(rateLimitPlugin as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;

export const rateLimit = rateLimitPlugin;
