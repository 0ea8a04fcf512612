// Limits of the 2025-era sessions: idle sessions are closed, but not while the client keeps its
// notification stream open; the session count is capped.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client as V1Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as V1Transport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startGateway, type GatewayFixture } from './support/gateway-fixture.ts';

let fx: GatewayFixture;
beforeAll(async () => {
  fx = await startGateway({ legacySessions: { idleMs: 300, maxSessions: 3 } });
});
afterAll(async () => {
  await fx?.close();
});

const HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
const INIT = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } };

async function openSession(): Promise<{ status: number; id: string | null }> {
  const res = await fetch(fx.url, { method: 'POST', headers: HEADERS, body: JSON.stringify(INIT) });
  await res.text();
  return { status: res.status, id: res.headers.get('mcp-session-id') };
}

async function listWith(id: string): Promise<number> {
  const res = await fetch(fx.url, { method: 'POST', headers: { ...HEADERS, 'mcp-session-id': id, 'mcp-protocol-version': '2025-11-25' }, body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }) });
  await res.text();
  return res.status;
}

describe('legacy session limits', () => {
  it('closes an idle session but keeps one whose client holds its stream open', async () => {
    const idle = await openSession();
    expect(idle.status).toBe(200);
    const listener = new V1Client({ name: 'listener', version: '1' });
    const transport = new V1Transport(new URL(fx.url));
    await listener.connect(transport);
    try {
      expect(await listWith(idle.id!)).toBe(200);
      await new Promise((r) => setTimeout(r, 1200));
      expect(await listWith(idle.id!)).toBe(404);
      expect(await listWith(transport.sessionId!)).toBe(200);
    } finally {
      await transport.terminateSession().catch(() => {});
      await listener.close();
    }
  });

  it('refuses new sessions beyond the cap with 503 and a message', async () => {
    const opened = [];
    for (let i = 0; i < 3; i++) opened.push(await openSession());
    expect(opened.map((o) => o.status)).toEqual([200, 200, 200]);
    const res = await fetch(fx.url, { method: 'POST', headers: HEADERS, body: JSON.stringify(INIT) });
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/Too many open sessions/);
    expect(fx.gateway.legacySessions.size).toBe(3);
  });
});
