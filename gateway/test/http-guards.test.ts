// The HTTP concerns around /mcp, over a real socket: DNS-rebinding protection (Host and Origin),
// the body size cap, health and readiness, request ids, and errors that never carry a stack trace.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type GatewayFixture } from './support/gateway-fixture.ts';

let fx: GatewayFixture;
const LIMIT = 64 * 1024;
beforeAll(async () => {
  fx = await startGateway({ bodyLimit: LIMIT });
});
afterAll(async () => {
  await fx?.close();
});

const INIT = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
};

/** A raw HTTP request, so the Host header can be anything (fetch does not allow setting it). */
function raw(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: fx.port, method, path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

const MCP_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

describe('DNS-rebinding protection', () => {
  it('refuses a foreign Host header with 403 and a JSON-RPC error', async () => {
    const res = await raw('POST', '/mcp', { ...MCP_HEADERS, host: 'evil.example.com' }, JSON.stringify(INIT));
    expect(res.status).toBe(403);
    const body = JSON.parse(res.body) as { jsonrpc: string; error: { code: number; message: string } };
    expect(body.jsonrpc).toBe('2.0');
    expect(body.error.message).toMatch(/host/i);
  });

  it('refuses a foreign browser Origin with 403', async () => {
    const res = await raw('POST', '/mcp', { ...MCP_HEADERS, host: `127.0.0.1:${fx.port}`, origin: 'https://evil.example.com' }, JSON.stringify(INIT));
    expect(res.status).toBe(403);
    expect((JSON.parse(res.body) as { error: { message: string } }).error.message).toMatch(/origin/i);
  });

  it('accepts loopback Host and Origin', async () => {
    const res = await raw('POST', '/mcp', { ...MCP_HEADERS, host: `localhost:${fx.port}`, origin: `http://localhost:${fx.port}` }, JSON.stringify(INIT));
    expect(res.status).toBe(200);
    expect(res.headers['mcp-session-id']).toBeDefined();
  });
});

describe('request limits and errors', () => {
  it('answers an oversized body with 413 and says what the limit is', async () => {
    const big = JSON.stringify({ ...INIT, params: { ...INIT.params, padding: 'x'.repeat(LIMIT + 10) } });
    const res = await raw('POST', '/mcp', { ...MCP_HEADERS, host: `127.0.0.1:${fx.port}` }, big);
    expect(res.status).toBe(413);
    expect(res.body).toMatch(/too large/);
    expect(res.body).not.toMatch(/at .*\.ts:\d+/);
  });

  it('answers malformed JSON with a parse error, no stack trace', async () => {
    const res = await raw('POST', '/mcp', { ...MCP_HEADERS, host: `127.0.0.1:${fx.port}` }, '{"jsonrpc": "2.0", ');
    expect(res.status).toBe(400);
    const body = JSON.parse(res.body) as { error: { code: number; message: string } };
    expect(body.error.code).toBe(-32700);
    expect(res.body).not.toMatch(/\.ts:\d+|node_modules/);
  });

  it('answers an unknown path with 404 naming the MCP endpoint', async () => {
    const res = await raw('GET', '/nope', { host: `127.0.0.1:${fx.port}` });
    expect(res.status).toBe(404);
    expect(res.body).toMatch(/\/mcp/);
  });
});

describe('health and readiness', () => {
  it('/healthz says the process is alive and echoes a request id', async () => {
    const res = await raw('GET', '/healthz', { host: `127.0.0.1:${fx.port}`, 'x-request-id': 'req-123' });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ status: 'ok' });
    expect(res.headers['x-request-id']).toBe('req-123');
  });

  it('/readyz reports the repo and the applied revision', async () => {
    const res = await raw('GET', '/readyz', { host: `127.0.0.1:${fx.port}` });
    expect(res.status).toBe(200);
    const body = JSON.parse(res.body) as { status: string; checks: { repo: { ok: boolean; main: string }; registry: { ok: boolean; revision: string } } };
    expect(body.status).toBe('ready');
    expect(body.checks.repo.main).toMatch(/^[0-9a-f]{40}$/);
    expect(body.checks.registry.revision).toBe(body.checks.repo.main);
  });
});
