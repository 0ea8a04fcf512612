// The per-caller limit on POST /mcp (@fastify/rate-limit under src/http/rate-limit.ts), on a real
// Fastify app with the real authentication plugin in bearer mode: each caller has its own window,
// a caller past it gets 429 with Retry-After and a JSON-RPC error, and the metric counts it under
// the token's name. The end-to-end behaviour under load is in load.test.ts.
import { afterEach, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import { Authenticator } from '../../src/auth/authenticator.ts';
import { authentication } from '../../src/http/auth.ts';
import { rateLimit } from '../../src/http/rate-limit.ts';
import { GatewayMetrics } from '../../src/observability/gateway-metrics.ts';

const CI = 'ci-token-0123456789abcdef';
const ALICE = 'alice-token-0123456789abcdef';
let app: FastifyInstance | undefined;

async function gatewayApp(perMinute: number, metrics: GatewayMetrics): Promise<FastifyInstance> {
  const authenticator = new Authenticator({
    mode: 'bearer',
    bearerTokens: [{ name: 'ci', token: CI }, { name: 'alice', token: ALICE }],
    remoteToolEditing: false,
  });
  app = Fastify();
  await app.register(authentication, { authenticator, metrics });
  await app.register(rateLimit, { perMinute, metrics });
  app.post('/mcp', async () => ({ ok: true }));
  app.get('/mcp', async () => ({ ok: true }));
  return app;
}

const post = (a: FastifyInstance, token: string) => a.inject({ method: 'POST', url: '/mcp', headers: { authorization: `Bearer ${token}` }, payload: {} });

afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('rate limit on /mcp', () => {
  it('allows a minute of calls per caller, then answers 429 with Retry-After and a JSON-RPC error', async () => {
    const metrics = new GatewayMetrics();
    const a = await gatewayApp(3, metrics);
    for (let i = 0; i < 3; i++) expect((await post(a, CI)).statusCode).toBe(200);
    const limited = await post(a, CI);
    expect(limited.statusCode).toBe(429);
    const seconds = Number(limited.headers['retry-after']);
    expect(Number.isInteger(seconds) && seconds >= 1 && seconds <= 60).toBe(true);
    expect(limited.json()).toEqual({
      jsonrpc: '2.0',
      error: { code: -32002, message: `Rate limit: at most 3 requests per minute per caller. Retry after ${seconds} s.` },
      id: null,
    });
    // callers do not share a window, and only POST /mcp counts
    expect((await post(a, ALICE)).statusCode).toBe(200);
    expect((await a.inject({ method: 'GET', url: '/mcp', headers: { authorization: `Bearer ${CI}` } })).statusCode).toBe(200);
    expect(await metrics.registry.metrics()).toMatch(/^mcpbox_rate_limited_total\{caller="ci"\} 1$/m);
  });

  it('limits nothing when the limit is 0', async () => {
    const a = await gatewayApp(0, new GatewayMetrics());
    for (let i = 0; i < 20; i++) expect((await post(a, CI)).statusCode).toBe(200);
  });
});
