// A live Python tool called over MCP runs in the real sandbox (real Pyodide in a child process):
// arguments are checked against the analysed input schema, the return value becomes
// structuredContent, and a Python exception becomes an isError result naming the exception.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { readDesiredState } from '@mcpbox/core';
import { createSandbox, type SandboxPool } from '@mcpbox/sandbox';
import { startGateway, type GatewayFixture } from './support/gateway-fixture.ts';
import { liveToolsOf } from './support/test-registry.ts';

let fx: GatewayFixture;
let sandbox: SandboxPool;
let client: Client;
const cache = mkdtempSync(join(tmpdir(), 'mcpbox-gw-sandbox-'));

beforeAll(async () => {
  sandbox = createSandbox({ dataDir: cache });
  fx = await startGateway({ sandbox });
  // Apply main with the schema the sandbox derives from the code, as the reconciler does.
  const state = await readDesiredState(fx.repo);
  const code = state.servers.examples!.tools.text_stats!.code;
  const analysis = await sandbox.analyze(code);
  expect(analysis.valid).toBe(true);
  fx.registry.apply(state, liveToolsOf(state, { examples__text_stats: analysis.input_schema }));
  client = new Client({ name: 'python-tools', version: '1.0.0' }, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
  await client.connect(new StreamableHTTPClientTransport(new URL(fx.url)));
}, 180_000);

afterAll(async () => {
  await client?.close();
  await fx?.close();
  await sandbox?.close();
  rmSync(cache, { recursive: true, force: true });
});

describe('calling a live Python tool', () => {
  it('advertises the analysed input schema', async () => {
    const { tools } = await client.listTools();
    const tool = tools.find((t) => t.name === 'examples__text_stats');
    expect(tool?.inputSchema.properties).toHaveProperty('text');
    expect(tool?.inputSchema.required).toEqual(['text']);
    expect(tool?.annotations?.readOnlyHint).toBe(true);
  });

  it('runs in the sandbox and returns structuredContent', async () => {
    const result = await client.callTool({ name: 'examples__text_stats', arguments: { text: 'The cat saw the dog. The end!', top: 1 } });
    expect(result.isError).toBeFalsy();
    const data = result.structuredContent as { words: number; sentences: number; top_words: Array<{ word: string; count: number }> };
    expect(data.words).toBe(7);
    expect(data.sentences).toBe(2);
    expect(data.top_words).toEqual([{ word: 'the', count: 3 }]);
    const text = (result.content as Array<{ text: string }>)[0]!.text;
    expect(JSON.parse(text)).toEqual(data);
  });

  it('turns a Python exception into an isError result', async () => {
    const result = await client.callTool({ name: 'examples__text_stats', arguments: { text: 'x', top: 99 } });
    expect(result.isError).toBe(true);
    expect((result.content as Array<{ text: string }>)[0]!.text).toMatch(/^Error: ValueError: top must be between 0 and 50, got 99/);
  });

  it('refuses arguments that do not match the schema before running anything', async () => {
    const result = await client.callTool({ name: 'examples__text_stats', arguments: { top: 2 } });
    expect(result.isError).toBe(true);
    expect((result.content as Array<{ text: string }>)[0]!.text).toMatch(/Invalid arguments for examples__text_stats/);
  });
});

describe('the policy a run gets', () => {
  it('is main\'s: granted modules and only this server\'s network grants', async () => {
    const { policyOf } = await import('../src/mcp/python-tools.ts');
    const live = fx.registry.current()!;
    const state = {
      ...live.state,
      modules: { allowed: [{ name: 'yaml', reason: 'parsing' }] },
      network: {
        grants: [
          { server: 'examples', host: 'api.example.com', reason: 'docs' },
          { server: 'examples', host: 'status.example.com', port: 8443, reason: 'status' },
          { server: 'other', host: 'evil.example.com', reason: 'not ours' },
        ],
      },
    };
    expect(policyOf({ ...live, state }, 'examples')).toEqual({
      allowedModules: ['yaml'],
      grants: [{ host: 'api.example.com' }, { host: 'status.example.com', port: 8443 }],
    });
  });
});

describe('the memory a run gets', () => {
  it("is mcpbox.yaml's defaults.memory_mb: a tool over it gets MemoryError over MCP, under a larger one it does not", async () => {
    const live = fx.registry.current()!;
    const grab = 'async def main(text: str) -> dict:\n    x = bytearray(48 * 1024 * 1024)\n    return {"bytes": len(x)}\n';
    const withMemory = (memory_mb: number): void => {
      const state = { ...live.state, config: { ...live.state.config, defaults: { ...live.state.config.defaults, memory_mb } } };
      const tools = [...live.tools.values()].map((t) => (t.id === 'examples__text_stats' ? { ...t, code: grab } : t));
      fx.registry.apply(state, tools);
    };
    try {
      withMemory(64);
      const over = await client.callTool({ name: 'examples__text_stats', arguments: { text: 'x' } });
      expect(over.isError).toBe(true);
      expect((over.content as Array<{ text: string }>)[0]!.text).toMatch(/^Error: MemoryError: the tool ran out of memory \(its limit is 64 MiB: defaults\.memory_mb in mcpbox\.yaml\)/);
      withMemory(256);
      const under = await client.callTool({ name: 'examples__text_stats', arguments: { text: 'x' } });
      expect(under.structuredContent).toEqual({ bytes: 48 * 1024 * 1024 });
    } finally {
      fx.registry.apply(live.state, [...live.tools.values()]);
    }
  });
});
