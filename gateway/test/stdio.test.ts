// `mcpbox stdio` spawned by the SDK's stdio client, in both eras: the same management tools as over
// HTTP, and nothing but protocol on stdout (logs go to stderr).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { BIN, childEnv } from './support/cli-process.ts';

const data = mkdtempSync(join(tmpdir(), 'mcpbox-stdio-'));
afterAll(() => {
  rmSync(data, { recursive: true, force: true });
});

function transport(): StdioClientTransport {
  return new StdioClientTransport({
    command: process.execPath,
    args: [BIN, 'stdio'],
    env: childEnv({ MCPBOX_DATA_DIR: data, LOG_LEVEL: 'info' }),
    stderr: 'pipe',
  });
}

for (const mode of ['legacy', 'auto'] as const) {
  describe(`mcpbox stdio, ${mode} negotiation`, () => {
    it('lists the management tools and reads the example server', async () => {
      const client = new Client({ name: `stdio-${mode}`, version: '1.0.0' }, { versionNegotiation: { mode } });
      const t = transport();
      let stderr = '';
      t.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
      await client.connect(t);
      try {
        expect(client.getNegotiatedProtocolVersion()).toBe(mode === 'legacy' ? '2025-11-25' : '2026-07-28');
        const { tools } = await client.listTools();
        expect(tools.map((x) => x.name)).toEqual(expect.arrayContaining(['mcpbox_list_servers', 'mcpbox_get_server', 'mcpbox_get_tool']));
        const server = await client.callTool({ name: 'mcpbox_get_server', arguments: { server_id: 'examples' } });
        expect(server.isError).toBeFalsy();
        expect((server.structuredContent as { tools: Array<{ id: string }> }).tools.map((x) => x.id)).toContain('examples__text_stats');
        const tool = await client.callTool({ name: 'mcpbox_get_tool', arguments: { tool_id: 'examples__text_stats' } });
        expect((tool.structuredContent as { python_code: string }).python_code).toContain('async def main(');
      } finally {
        await client.close();
      }
      // Logs went to stderr as JSON lines (stdout carried only protocol, or the client would have failed).
      expect(stderr).toMatch(/"name":"mcpbox"/);
    });
  });
}
