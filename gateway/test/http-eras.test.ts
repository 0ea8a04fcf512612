// /mcp over real HTTP in both protocol eras, driven by the official SDK clients: v1 (legacy, with a
// session), v2 in legacy mode and v2 in the 2026-07-28 era. Every client lists the management tools,
// reads the template's example server, and is told when the live registry changes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client as V1Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as V1Transport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { readDesiredState } from '@mcpbox/core';
import type { LiveTool } from '@mcpbox/reconciler';
import { eventually, startGateway, type GatewayFixture } from './support/gateway-fixture.ts';
import { liveToolsOf, TEXT_STATS_SCHEMA } from './support/test-registry.ts';

const MANAGEMENT = [
  'mcpbox_list_servers',
  'mcpbox_get_server',
  'mcpbox_list_tools',
  'mcpbox_get_tool',
  'mcpbox_get_server_modules',
  'mcpbox_list_tool_versions',
];

let fx: GatewayFixture;
beforeAll(async () => {
  fx = await startGateway();
});
afterAll(async () => {
  await fx?.close();
});

/** Applies main again plus one extra live tool, as a merged PR would. */
async function publishExtraTool(name: string): Promise<void> {
  const state = await readDesiredState(fx.repo);
  const base = liveToolsOf(state, { examples__text_stats: TEXT_STATS_SCHEMA });
  const extra: LiveTool = { ...base[0]!, id: `examples__${name}`, name, description: `extra ${name}`, codeBlob: `blob-${name}` };
  fx.registry.apply(state, [...base, extra]);
}

function textOf(result: unknown): string {
  const first = ((result as { content: Array<{ type: string; text?: string }> }).content)[0];
  return first?.text ?? '';
}

describe('legacy era: v1 SDK client with a session', () => {
  it('gets a session, lists tools, reads the example server and receives list_changed', async () => {
    const client = new V1Client({ name: 'v1-test', version: '1.0.0' });
    const transport = new V1Transport(new URL(fx.url));
    let changes = 0;
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
      changes++;
    });
    await client.connect(transport);
    try {
      expect(transport.sessionId).toMatch(/^[0-9a-f-]{36}$/);
      expect(client.getServerCapabilities()?.tools?.listChanged).toBe(true);

      const { tools } = await client.listTools();
      const names = tools.map((t) => t.name);
      expect(names).toEqual(expect.arrayContaining([...MANAGEMENT, 'examples__text_stats']));
      const getServer = tools.find((t) => t.name === 'mcpbox_get_server');
      expect(getServer?.outputSchema).toBeDefined();
      expect(getServer?.annotations?.readOnlyHint).toBe(true);

      const server = await client.callTool({ name: 'mcpbox_get_server', arguments: { server_id: 'examples' } });
      expect(server.isError).toBeFalsy();
      const structured = server.structuredContent as { name: string; tools: Array<{ id: string; live: boolean }> };
      expect(structured.name).toBe('examples');
      expect(structured.tools).toContainEqual(expect.objectContaining({ id: 'examples__text_stats', live: true }));
      expect(JSON.parse(textOf(server))).toEqual(structured);

      const tool = await client.callTool({ name: 'mcpbox_get_tool', arguments: { tool_id: 'examples__text_stats' } });
      const t = tool.structuredContent as { python_code: string; version: string; input_schema: unknown };
      expect(t.python_code).toContain('async def main(');
      expect(t.version).toMatch(/^[0-9a-f]{40}$/);
      expect(t.input_schema).toEqual(TEXT_STATS_SCHEMA);

      // The GET SSE stream is open once the session is initialized; give it a moment to attach.
      await new Promise((r) => setTimeout(r, 200));
      await publishExtraTool('legacy_added');
      await eventually(() => changes > 0, 5000, 'notifications/tools/list_changed on the legacy session');
      const after = await client.listTools();
      expect(after.tools.map((x) => x.name)).toContain('examples__legacy_added');
    } finally {
      await transport.terminateSession().catch(() => {});
      await client.close();
    }
  });

  it('refuses a request with an unknown session id', async () => {
    const res = await fetch(fx.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-session-id': 'nope' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(res.status).toBe(404);
    const body = (await res.json()) as { error: { message: string } };
    expect(body.error.message).toMatch(/Session not found/);
  });
});

describe('v2 SDK client', () => {
  it('legacy mode negotiates 2025-11-25 over a session and is told about changes', async () => {
    const client = new Client({ name: 'v2-legacy', version: '1.0.0' }, { versionNegotiation: { mode: 'legacy' } });
    let changes = 0;
    client.setNotificationHandler('notifications/tools/list_changed', () => {
      changes++;
    });
    const transport = new StreamableHTTPClientTransport(new URL(fx.url));
    await client.connect(transport);
    try {
      expect(client.getProtocolEra()).toBe('legacy');
      expect(client.getNegotiatedProtocolVersion()).toBe('2025-11-25');
      expect(transport.sessionId).toBeDefined();
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(MANAGEMENT));
      const modules = await client.callTool({ name: 'mcpbox_get_server_modules', arguments: {} });
      expect((modules.structuredContent as { safe_modules: string[] }).safe_modules).toContain('json');

      await new Promise((r) => setTimeout(r, 200));
      await publishExtraTool('v2_legacy_added');
      await eventually(() => changes > 0, 5000, 'list_changed on the v2 legacy session');
    } finally {
      await transport.terminateSession().catch(() => {});
      await client.close();
    }
  });

  it('modern mode discovers 2026-07-28, needs no session and gets listen events', async () => {
    const client = new Client({ name: 'v2-modern', version: '1.0.0' }, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
    let changes = 0;
    client.setNotificationHandler('notifications/tools/list_changed', () => {
      changes++;
    });
    const transport = new StreamableHTTPClientTransport(new URL(fx.url));
    await client.connect(transport);
    try {
      expect(client.getProtocolEra()).toBe('modern');
      expect(client.getNegotiatedProtocolVersion()).toBe('2026-07-28');
      const discovered = client.getDiscoverResult();
      expect(discovered?.supportedVersions).toContain('2026-07-28');
      expect(discovered?.capabilities.tools?.listChanged).toBe(true);
      expect(transport.sessionId).toBeUndefined();

      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining([...MANAGEMENT, 'examples__text_stats']));
      const server = await client.callTool({ name: 'mcpbox_get_server', arguments: { server_id: 'examples' } });
      expect((server.structuredContent as { id: string }).id).toBe('examples');

      const subscription = await client.listen({ toolsListChanged: true });
      expect(subscription.honoredFilter.toolsListChanged).toBe(true);
      await publishExtraTool('modern_added');
      await eventually(() => changes > 0, 5000, 'a subscriptions/listen tools event');
      const after = await client.listTools();
      expect(after.tools.map((t) => t.name)).toContain('examples__modern_added');
      await subscription.close();
    } finally {
      await client.close();
    }
  });

  it('answers an unknown tool with a protocol error and bad arguments with an isError result', async () => {
    const client = new Client({ name: 'v2-errors', version: '1.0.0' }, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
    await client.connect(new StreamableHTTPClientTransport(new URL(fx.url)));
    try {
      await expect(client.callTool({ name: 'nope__missing', arguments: {} })).rejects.toThrow(/Unknown tool/);
      const bad = await client.callTool({ name: 'mcpbox_get_server', arguments: { server_id: 5 } });
      expect(bad.isError).toBe(true);
      expect(textOf(bad)).toMatch(/Invalid arguments for mcpbox_get_server: server_id/);
      const missing = await client.callTool({ name: 'mcpbox_get_server', arguments: { server_id: 'weather' } });
      expect(missing.isError).toBe(true);
      expect(textOf(missing)).toMatch(/No server "weather" on main\. Call mcpbox_list_servers/);
      // No sandbox in this gateway: a Python tool call says so instead of failing obscurely.
      const python = await client.callTool({ name: 'examples__text_stats', arguments: { text: 'a b' } });
      expect(python.isError).toBe(true);
      expect(textOf(python)).toMatch(/sandbox is not running/);
      const invalid = await client.callTool({ name: 'examples__text_stats', arguments: { top: 'x' } });
      expect(textOf(invalid)).toMatch(/Invalid arguments for examples__text_stats/);
    } finally {
      await client.close();
    }
  });
});
