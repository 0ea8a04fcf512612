// The read-side management tools against a real tools repo: main as made by initRepo from the
// template, then moved by a plain `git push` (as an admin merging would), over a real MCP client.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { startGateway, type GatewayFixture } from './support/gateway-fixture.ts';

let fx: GatewayFixture;
let client: Client;
let work: string;

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=Admin Person', '-c', 'user.email=admin@example.invalid', ...args], { cwd, encoding: 'utf8' });
}

/** Commits files in the admin's clone and pushes them to main. */
function pushToMain(files: Record<string, string>, message: string): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(work, path, '..'), { recursive: true });
    writeFileSync(join(work, path), content);
  }
  git(work, 'add', '-A');
  git(work, 'commit', '-q', '-m', message);
  git(work, 'push', '-q', 'origin', 'HEAD:main');
}

async function call(name: string, args: Record<string, unknown> = {}): Promise<{ isError: boolean; data: Record<string, unknown>; text: string }> {
  const result = await client.callTool({ name, arguments: args });
  const text = (result.content as Array<{ text: string }>)[0]?.text ?? '';
  return { isError: result.isError === true, data: (result.structuredContent ?? {}) as Record<string, unknown>, text };
}

beforeAll(async () => {
  fx = await startGateway();
  work = join(fx.dir, 'work');
  execFileSync('git', ['clone', '-q', fx.repo, work]);
  client = new Client({ name: 'mgmt-test', version: '1.0.0' }, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
  await client.connect(new StreamableHTTPClientTransport(new URL(fx.url)));
});
afterAll(async () => {
  await client?.close();
  await fx?.close();
});

describe('reading the template main', () => {
  it('mcpbox_list_servers lists the example server with its tool count', async () => {
    const { isError, data } = await call('mcpbox_list_servers');
    expect(isError).toBe(false);
    expect(data.total).toBe(1);
    expect(data.servers).toEqual([expect.objectContaining({ id: 'examples', name: 'examples', enabled: true, tool_count: 1 })]);
    expect(data.revision).toMatch(/^[0-9a-f]{40}$/);
  });

  it('mcpbox_get_tool returns the code, blob version and metadata of text_stats', async () => {
    const { data } = await call('mcpbox_get_tool', { tool_id: 'examples__text_stats' });
    expect(data).toMatchObject({ id: 'examples__text_stats', server_id: 'examples', name: 'text_stats', live: true, path: 'servers/examples/tools/text_stats.py' });
    expect(data.python_code).toMatch(/async def main\(text: str/);
    const blob = git(work, 'rev-parse', 'HEAD:servers/examples/tools/text_stats.py').trim();
    expect(data.version).toBe(blob);
    expect(String(data.description).length).toBeGreaterThan(0);
  });

  it('mcpbox_get_server_modules lists the safe set and main\'s grants', async () => {
    const { data } = await call('mcpbox_get_server_modules', { server_id: 'examples' });
    expect(data.safe_modules).toEqual(expect.arrayContaining(['json', 're', 'math']));
    expect(data.safe_modules).not.toContain('os');
    expect(data.granted_modules).toEqual([]);
    expect(data.network_grants).toEqual([]);
    expect(data.total_allowed).toBe((data.allowed_modules as string[]).length);
  });

  it('explains bad ids and unknown tools in words that say what to do next', async () => {
    const badId = await call('mcpbox_get_tool', { tool_id: 'text_stats' });
    expect(badId.isError).toBe(true);
    expect(badId.text).toMatch(/not a tool id; tool ids look like "<server>__<tool>"/);
    const unknown = await call('mcpbox_get_tool', { tool_id: 'examples__nope' });
    expect(unknown.text).toMatch(/No tool "nope" in server "examples" on main\. Call mcpbox_list_tools/);
    const badLimit = await call('mcpbox_list_tools', { limit: 0 });
    expect(badLimit.isError).toBe(true);
    expect(badLimit.text).toMatch(/limit/);
  });
});

describe('after main moves', () => {
  it('paginates mcpbox_list_tools with a cursor and never caps silently', async () => {
    const files: Record<string, string> = { 'servers/many/server.yaml': 'description: Many tools\n' };
    for (let i = 0; i < 7; i++) files[`servers/many/tools/t${i}.py`] = `async def main(n: int = ${i}) -> dict:\n    """Tool ${i}."""\n    return {"n": n}\n`;
    pushToMain(files, 'Add the many server');

    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const { data } = await call('mcpbox_list_tools', { server_id: 'many', limit: 3, ...(cursor === undefined ? {} : { cursor }) });
      expect(data.total).toBe(7);
      seen.push(...(data.tools as Array<{ id: string }>).map((t) => t.id));
      cursor = (data.next_cursor as string | null) ?? undefined;
      pages++;
    } while (cursor !== undefined && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual(['many__t0', 'many__t1', 'many__t2', 'many__t3', 'many__t4', 'many__t5', 'many__t6']);

    const all = await call('mcpbox_list_tools', {});
    expect(all.data.total).toBe(8);
    expect((all.data.tools as Array<{ id: string; live: boolean }>).find((t) => t.id === 'many__t0')?.live).toBe(false);
  });

  it('mcpbox_list_tool_versions shows every commit of the tool, newest first', async () => {
    pushToMain(
      { 'servers/examples/tools/text_stats.py': `${git(work, 'show', 'HEAD:servers/examples/tools/text_stats.py')}\n# tuned\n` },
      'Tune text_stats',
    );
    const { data } = await call('mcpbox_list_tool_versions', { tool_id: 'examples__text_stats' });
    const versions = data.versions as Array<{ commit: string; author: string; date: string; message: string }>;
    expect(data.total).toBe(2);
    expect(versions[0]).toMatchObject({ author: 'Admin Person', message: expect.stringContaining('Tune text_stats') });
    expect(versions[0]?.commit).toBe(git(work, 'rev-parse', 'HEAD').trim());
    expect(Date.parse(versions[0]!.date)).not.toBeNaN();
    // The live tool still runs the old code, so its schema is not claimed for the new code.
    const tool = await call('mcpbox_get_tool', { tool_id: 'examples__text_stats' });
    expect(tool.data.input_schema).toBeNull();
    expect(tool.data.python_code).toContain('# tuned');
  });
});
