// Arguments nested deeper than the gateway serves are refused at the door with HTTP 400 and JSON-RPC
// -32602, in both protocol eras, through the official SDK clients and over raw HTTP — never the
// "internal error" a stack overflow in recursive code used to give.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client as V1Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as V1Transport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { BIN, childEnv } from './support/cli-process.ts';
import { jsonDepth, MAX_ARGUMENT_DEPTH } from '../src/mcp/message-depth.ts';
import { startGateway, type GatewayFixture } from './support/gateway-fixture.ts';

const REFUSAL = `Invalid params: the arguments are nested deeper than ${MAX_ARGUMENT_DEPTH} levels; flatten them (pass deep data as a JSON string if a tool really needs it).`;

function nested(depth: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? { a: value } : [value];
  return value;
}

/** The same shape as JSON text, built without recursion (JSON.stringify itself overflows at 5,000). */
function nestedJson(depth: number): string {
  let open = '';
  let close = '';
  for (let i = 0; i < depth; i++) {
    open += i % 2 === 0 ? '[' : '{"a":';
    close = (i % 2 === 0 ? ']' : '}') + close;
  }
  return `${open}"leaf"${close}`;
}

let fx: GatewayFixture;
beforeAll(async () => {
  fx = await startGateway();
});
afterAll(async () => {
  await fx?.close();
});

async function post(body: string, headers: Record<string, string> = {}): Promise<{ status: number; json: unknown }> {
  const response = await fetch(fx.url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers }, body });
  return { status: response.status, json: await response.json() };
}

describe('deeply nested arguments', () => {
  it('counts depth without recursion, stopping past the limit', () => {
    expect(jsonDepth('x', 10)).toBe(0);
    expect(jsonDepth({ a: [1, { b: {} }] }, 10)).toBe(4);
    expect(jsonDepth(nested(1_000_000), 64)).toBe(65);
  });

  it('5,000 levels over raw HTTP: 400 with -32602 naming the limit, for a legacy and a 2026-07-28 request', async () => {
    const args = `{"text":${nestedJson(5_000)}}`;
    const legacy = await post(`{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"examples__text_stats","arguments":${args}}}`);
    expect(legacy).toEqual({ status: 400, json: { jsonrpc: '2.0', error: { code: -32602, message: REFUSAL }, id: null } });
    const modern = await post(
      `{"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"name":"examples__text_stats","_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"},"arguments":${args}}}`,
      { 'mcp-protocol-version': '2026-07-28' },
    );
    expect(modern).toEqual({ status: 400, json: { jsonrpc: '2.0', error: { code: -32602, message: REFUSAL }, id: null } });
  });

  it('nesting anywhere else in the message past the envelope allowance is refused too', async () => {
    const deepMeta = await post(JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/list', params: { _meta: { x: nested(200) } } }));
    expect(deepMeta).toEqual({ status: 400, json: { jsonrpc: '2.0', error: { code: -32602, message: `Invalid params: the request is nested deeper than ${MAX_ARGUMENT_DEPTH + 8} levels (tool arguments may nest at most ${MAX_ARGUMENT_DEPTH}).` }, id: null } });
  });

  it('the official clients of both eras get the refusal, and the next call on the same client works', async () => {
    const v1 = new V1Client({ name: 'depth-v1', version: '1.0.0' });
    await v1.connect(new V1Transport(new URL(fx.url)));
    const v2 = new Client({ name: 'depth-v2', version: '1.0.0' }, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
    await v2.connect(new StreamableHTTPClientTransport(new URL(fx.url)));
    try {
      for (const client of [v1, v2]) {
        // As deep as the client itself can serialise (its JSON.stringify recurses too).
        await expect(client.callTool({ name: 'examples__text_stats', arguments: { text: nested(1_000) as string } })).rejects.toThrow(REFUSAL);
        // Exactly at the limit is served: an answer of the tool (here: the argument has the wrong type), not a refusal.
        const atLimit = await client.callTool({ name: 'mcpbox_get_server', arguments: { server_id: nested(MAX_ARGUMENT_DEPTH - 1) as string } });
        expect(atLimit.isError).toBe(true);
        expect(JSON.stringify(atLimit.content)).not.toContain('nested deeper');
        const ok = await client.callTool({ name: 'mcpbox_list_servers', arguments: {} });
        expect(ok.isError).toBeFalsy();
      }
    } finally {
      await v1.close();
      await v2.close();
    }
  });

  it('over stdio, in both eras, the request is answered with -32602 under its id and the connection goes on', async () => {
    const data = mkdtempSync(join(tmpdir(), 'mcpbox-depth-stdio-'));
    try {
      for (const mode of ['legacy', 'auto'] as const) {
        const client = new Client({ name: `depth-stdio-${mode}`, version: '1.0.0' }, { versionNegotiation: { mode } });
        await client.connect(new StdioClientTransport({ command: process.execPath, args: [BIN, 'stdio'], env: childEnv({ MCPBOX_DATA_DIR: data, LOG_LEVEL: 'warn' }), stderr: 'pipe' }));
        try {
          expect(client.getNegotiatedProtocolVersion()).toBe(mode === 'legacy' ? '2025-11-25' : '2026-07-28');
          await expect(client.callTool({ name: 'mcpbox_get_server', arguments: { server_id: nested(1_000) as string } })).rejects.toThrow(REFUSAL);
          const ok = await client.callTool({ name: 'mcpbox_list_servers', arguments: {} });
          expect(ok.isError).toBeFalsy();
        } finally {
          await client.close();
        }
      }
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  }, 120_000);
});
