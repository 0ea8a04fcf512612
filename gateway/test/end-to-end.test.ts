// The whole loop through the real parts, over stdio in both eras: `mcpbox stdio` starts the reconciler and the
// sandbox; main moves by a plain `git push` (as a merge would); the reconciler applies it; the
// connected client is told the tool list changed, sees the new tool and calls it in the sandbox.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { eventually } from './support/gateway-fixture.ts';
import { BIN, childEnv } from './support/cli-process.ts';

const data = mkdtempSync(join(tmpdir(), 'mcpbox-e2e-'));
afterAll(() => {
  rmSync(data, { recursive: true, force: true });
});

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'user.name=Admin', '-c', 'user.email=admin@example.invalid', ...args], { cwd, stdio: 'ignore' });
}

describe('main moves, connected clients hear it', () => {
  it.each([
    ['legacy', 'shout'],
    ['auto', 'yell'],
  ] as const)('a pushed tool reaches a stdio client (%s negotiation) as a change event, then runs', async (mode, tool) => {
    const client = new Client({ name: 'e2e', version: '1.0.0' }, { versionNegotiation: { mode } });
    let changes = 0;
    client.setNotificationHandler('notifications/tools/list_changed', () => {
      changes++;
    });
    await client.connect(new StdioClientTransport({ command: process.execPath, args: [BIN, 'stdio'], env: childEnv({ MCPBOX_DATA_DIR: data, LOG_LEVEL: 'warn' }), stderr: 'ignore' }));
    try {
      expect(client.getNegotiatedProtocolVersion()).toBe(mode === 'legacy' ? '2025-11-25' : '2026-07-28');
      const names = async () => (await client.listTools()).tools.map((t) => t.name);
      // The first revision is applied once the sandbox has analysed the template's tool.
      const until = Date.now() + 90_000;
      while (!(await names()).includes('examples__text_stats')) {
        if (Date.now() > until) throw new Error('the template tool never went live');
        await new Promise((r) => setTimeout(r, 250));
      }
      // The 2026-07-28 era delivers change events only on a subscriptions/listen stream.
      const subscription = mode === 'auto' ? await client.listen({ toolsListChanged: true }) : null;
      changes = 0;

      const work = join(data, `work-${mode}`);
      execFileSync('git', ['clone', '-q', join(data, 'repo.git'), work]);
      writeFileSync(join(work, `servers/examples/tools/${tool}.py`), 'async def main(text: str) -> dict:\n    """Upper-case a text."""\n    return {"shout": text.upper()}\n');
      git(work, 'add', '-A');
      git(work, 'commit', '-q', '-m', `Add ${tool}`);
      git(work, 'push', '-q', 'origin', 'HEAD:main');

      await eventually(() => changes > 0, 90_000, 'notifications/tools/list_changed after the push');
      expect(await names()).toContain(`examples__${tool}`);
      const result = await client.callTool({ name: `examples__${tool}`, arguments: { text: 'hello' } });
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toEqual({ shout: 'HELLO' });
      // The status tool says which revision is live: the pushed commit, Ready.
      const pushed = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: work, encoding: 'utf8' }).trim();
      const status = (await client.callTool({ name: 'mcpbox_get_status', arguments: {} })).structuredContent as {
        lastAppliedRevision: string;
        conditions: Array<{ type: string; status: string }>;
      };
      expect(status.lastAppliedRevision).toBe(pushed);
      expect(status.conditions.find((c) => c.type === 'Ready')?.status).toBe('True');
      await subscription?.close();
    } finally {
      await client.close();
    }
  }, 240_000);
});
