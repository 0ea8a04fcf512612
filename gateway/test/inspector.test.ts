// The MCP Inspector CLI (a client nobody here wrote) against the real gateway in both eras.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, startGateway, type GatewayFixture } from './support/gateway-fixture.ts';

const run = promisify(execFile);
const INSPECTOR = join(REPO_ROOT, 'node_modules/@modelcontextprotocol/inspector/clients/launcher/build/index.js');

let fx: GatewayFixture;
beforeAll(async () => {
  fx = await startGateway();
});
afterAll(async () => {
  await fx?.close();
});

async function inspector(era: 'legacy' | 'modern', ...args: string[]): Promise<{ code: number; json: Record<string, unknown> }> {
  const argv = [INSPECTOR, '--cli', fx.url, '--transport', 'http', '--protocol-era', era, '--format', 'json', ...args];
  try {
    const { stdout } = await run(process.execPath, argv, { timeout: 30_000 });
    return { code: 0, json: JSON.parse(stdout) as Record<string, unknown> };
  } catch (err) {
    const e = err as { code?: number; stdout?: string };
    if (typeof e.code !== 'number') throw err;
    return { code: e.code, json: JSON.parse(e.stdout ?? '{}') as Record<string, unknown> };
  }
}

for (const era of ['legacy', 'modern'] as const) {
  describe(`Inspector CLI, ${era} era`, () => {
    it('initializes with the era\'s protocol version', async () => {
      const { code, json } = await inspector(era, '--method', 'initialize');
      expect(code).toBe(0);
      const result = json.result as { protocolVersion: string; serverInfo: { name: string } };
      expect(result.protocolVersion).toBe(era === 'legacy' ? '2025-11-25' : '2026-07-28');
      expect(result.serverInfo.name).toBe('mcpbox');
    });

    it('lists the management tools and the example tool', async () => {
      const { code, json } = await inspector(era, '--method', 'tools/list');
      expect(code).toBe(0);
      const names = (json.result as { tools: Array<{ name: string }> }).tools.map((t) => t.name);
      expect(names).toEqual(expect.arrayContaining(['mcpbox_list_servers', 'mcpbox_get_tool', 'examples__text_stats']));
    });

    it('reads the example tool with mcpbox_get_tool', async () => {
      const { code, json } = await inspector(era, '--method', 'tools/call', '--tool-name', 'mcpbox_get_tool', '--tool-arg', 'tool_id=examples__text_stats');
      expect(code).toBe(0);
      const result = json.result as { structuredContent: { python_code: string; server_id: string } };
      expect(result.structuredContent.server_id).toBe('examples');
      expect(result.structuredContent.python_code).toContain('async def main(');
    });

    it('exits non-zero on a tool error', async () => {
      const { code } = await inspector(era, '--method', 'tools/call', '--tool-name', 'mcpbox_get_server', '--tool-arg', 'server_id=nope');
      expect(code).toBe(5);
    });
  });
}
