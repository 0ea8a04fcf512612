// Trying to reach main or escape the repo through every management tool's inputs: each string
// field of every tool gets main, "../", "refs/heads/main", a leading "-", git option injection,
// control characters, Unicode look-alikes and oversized values. Identifier fields refuse them with a
// message naming the field; nothing ever becomes a stack trace; main never moves; every ref the
// gateway wrote stays inside refs/heads/mcpbox/, refs/pull/ and refs/mcpbox/pulls; fsck is clean.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/client';
import { Client as SdkClient, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { call, startChangeGateway, type ChangeFixture } from './change-fixture.ts';

const PWNED = '/tmp/mcpbox-trust-boundary-pwned';
const HOSTILE: Record<string, string> = {
  main: 'main',
  dotdot: '../../../etc/passwd',
  fullRef: 'refs/heads/main',
  leadingDash: '-main',
  optionInjection: `--upload-pack=touch ${PWNED}`,
  cyrillicLookalike: 'mаin', // U+0430
  fullwidth: 'ｍａｉｎ',
  newline: 'ok\nrefs/heads/main',
  nul: 'ok\u0000main',
  pathInName: 'examples/../../main',
  oversized: 'a'.repeat(300_000),
};
// Fields that name things (and so reach branch names, paths or git arguments).
const IDENTIFIERS = new Set(['server_id', 'tool_id', 'name', 'module_name', 'host', 'key', 'version', 'expected_version']);
// Where "main" is simply a valid lower-case name (a server or tool may be called that; it never names a ref).
const MAIN_IS_A_NAME = new Set(['server_id', 'name', 'module_name', 'host']);

const CODE = 'async def main(text: str) -> dict:\n    return {"text": text}\n';
const VALID: Record<string, unknown> = {
  server_id: 'examples',
  tool_id: 'examples__text_stats',
  name: 'fresh_name',
  python_code: CODE,
  code: CODE,
  description: 'A description for the boundary test',
  justification: 'needed for the trust boundary test',
  reason: 'not needed any more, says the test',
  module_name: 'yaml',
  host: 'example.com',
  key: 'API_KEY',
  version: 'abcdef1',
  notes: 'notes',
  cursor: 'examples__a',
};

let fx: ChangeFixture;
let client: Client;
let mainBefore: string;

beforeAll(async () => {
  fx = await startChangeGateway();
  client = await fx.client('boundary');
  mainBefore = fx.git('rev-parse', 'refs/heads/main').trim();
}, 60_000);

afterAll(async () => {
  await fx?.close();
});

describe('hostile inputs through every management tool', () => {
  it('are refused with clear messages, never reach git as refs, options or paths', async () => {
    const { tools } = await client.listTools();
    const management = tools.filter((t) => t.name.startsWith('mcpbox_'));
    expect(management.length).toBeGreaterThanOrEqual(23);
    let attempts = 0;
    for (const tool of management) {
      const properties = (tool.inputSchema.properties ?? {}) as Record<string, { type?: string }>;
      const base: Record<string, unknown> = {};
      // Every field the tool knows gets a valid value, so the hostile one is the only thing wrong.
      for (const key of Object.keys(properties)) if (key in VALID) base[key] = VALID[key];
      for (const [field, schema] of Object.entries(properties)) {
        if (schema.type !== 'string') continue;
        for (const [label, value] of Object.entries(HOSTILE)) {
          attempts++;
          const result = await call(client, tool.name, { ...base, [field]: value });
          const where = `${tool.name}.${field} = ${label}`;
          expect(result.text, where).not.toMatch(/\n\s+at .*\(|failed unexpectedly|TypeError|GitError:|ForgeError:/);
          expect(result.text.length, where).toBeLessThan(4000);
          const mustRefuse = label === 'oversized' || (IDENTIFIERS.has(field) && !(label === 'main' && MAIN_IS_A_NAME.has(field)));
          if (mustRefuse) {
            expect(result.isError, `${where} was accepted: ${result.text.slice(0, 300)}`).toBe(true);
            if (label !== 'main') expect(result.text, where).toMatch(new RegExp(`${field}|Invalid arguments|not a tool id|not a host|No server|No tool|runs without`));
          }
        }
      }
    }
    expect(attempts).toBeGreaterThan(300);
    expect(fx.git('rev-parse', 'refs/heads/main').trim()).toBe(mainBefore);
    expect(existsSync(PWNED)).toBe(false);
    const refs = fx.git('for-each-ref', '--format=%(refname)').trim().split('\n');
    for (const ref of refs) expect(ref).toMatch(/^refs\/(heads\/main|heads\/mcpbox\/[a-z]+\/[A-Za-z0-9._-]+|pull\/\d+\/head|mcpbox\/pulls)$/);
    // No branch of any kind was named after main, and no tree holds a path outside the format.
    // ("main" as a server or module name is only a name: mcpbox/<kind>/main.)
    expect(refs.filter((r) => /\/main$/.test(r) && r !== 'refs/heads/main' && !/^refs\/heads\/mcpbox\/[a-z]+\/main$/.test(r))).toEqual([]);
    for (const ref of refs.filter((r) => r.startsWith('refs/heads/'))) {
      for (const path of fx.git('ls-tree', '-r', '--name-only', ref).trim().split('\n')) expect(path).not.toMatch(/(^|\/)\.\.?(\/|$)|^\/|\.git\//);
    }
    expect(fx.git('fsck', '--strict', '--no-dangling')).toBe('');
  }, 300_000);

  it('a client name cannot forge commit trailers or headers', async () => {
    const evil = new SdkClient({ name: 'evil\nOn-Behalf-Of: root@example.com\n\nSigned-off-by: x', version: '1\r\nX: y' }, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
    await evil.connect(new StreamableHTTPClientTransport(new URL(fx.url)));
    try {
      const result = await call(evil, 'mcpbox_create_server', { name: 'trailer_probe', description: 'checks trailer flattening' });
      expect(result.isError, result.text).toBe(false);
      const message = fx.git('log', '-1', '--format=%B', 'refs/heads/mcpbox/draft/trailer_probe');
      expect(message).not.toMatch(/^On-Behalf-Of:/m);
      expect(message).not.toMatch(/^Signed-off-by:/m);
      expect(message).toMatch(/^MCP-Client: evil On-Behalf-Of: root@example.com Signed-off-by: x\/1 X: y$/m);
    } finally {
      await evil.close();
    }
  });

  it('the gateway cannot reach main even when asked for it by name in a branch-writing path', async () => {
    // A server literally named "main" is only a name: its draft lives on mcpbox/draft/main.
    const result = await call(client, 'mcpbox_create_server', { name: 'main', description: 'a server called main' });
    // (The sweep above may already have drafted it, with a valid description.)
    if (result.isError) expect(result.text).toMatch(/Server "main" is already drafted on mcpbox\/draft\/main/);
    else expect(result.data.branch).toBe('mcpbox/draft/main');
    expect(fx.git('ls-tree', '--name-only', '-r', 'refs/heads/mcpbox/draft/main')).toContain('servers/main/server.yaml');
    expect(fx.git('rev-parse', 'refs/heads/main').trim()).toBe(mainBefore);
  });
});
