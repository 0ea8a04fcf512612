// What a reviewer sees is what runs, and what is merged is what was seen. A real MCP client writes
// control, escape, invisible and bidi characters into every LLM-controlled field (PR notes, tool
// code, a grant's and a module's justification, the recorded test error); the real `mcpbox pr`
// CLI (a child process) must print none of them raw, show them visibly and warn where they are.
// Then the LLM pushes between `pr show` and `pr merge`: the merge is refused and main is unchanged.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/client';
import { createSandbox, type SandboxPool } from '@mcpbox/sandbox';
import { runCli, type CliResult } from '../support/cli-process.ts';
import { call, startChangeGateway, type ChangeFixture } from './change-fixture.ts';

const ESC = '\u001b';
// Clear the screen, move up and erase a line, a backspace, a carriage return, a C1 CSI and NEL.
const HOSTILE = `${ESC}[2J${ESC}[1A${ESC}[2Kx\u0008\r\u009b31m\u0085`;
// The same characters, spelled as Python escapes: the recorded test error carries them at run time.
const PY_HOSTILE = String.raw`\x1b[2J\x1b[1A\x1b[2Kx\x08\r\x9b31m\x85`;
const CODE = `async def main() -> dict:
    """Always fails."""
    marker = "o\u200bk"  # a zero-width space inside the string
    # a raw escape in a comment:${ESC}[2K
    raise ValueError("boom${PY_HOSTILE}end")
`;
// Anything a terminal would act on, or that reorders or hides text.
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/;

let fx: ChangeFixture;
let sandbox: SandboxPool;
let client: Client;
let env: Record<string, string>;
const cache = mkdtempSync(join(tmpdir(), 'mcpbox-reviewer-sandbox-'));

async function pr(...args: string[]): Promise<CliResult> {
  return runCli(['pr', ...args], env, 60_000);
}

beforeAll(async () => {
  sandbox = createSandbox({ dataDir: cache });
  fx = await startChangeGateway({ sandbox });
  client = await fx.client('reviewer-view');
  env = { MCPBOX_DATA_DIR: fx.dir, MCPBOX_ADMIN_NAME: 'Admin Person', MCPBOX_ADMIN_EMAIL: 'admin@example.invalid', NO_COLOR: '1' };
}, 180_000);

afterAll(async () => {
  await fx?.close();
  await sandbox?.close();
  rmSync(cache, { recursive: true, force: true });
});

describe('input refused at the door', () => {
  it('tool code with a bidi control is refused on the write side, at line:col, with the same rule as validate', async () => {
    await call(client, 'mcpbox_create_server', { name: 'evil', description: 'Tries to deceive the reviewer' });
    const head = fx.git('rev-parse', 'refs/heads/mcpbox/draft/evil').trim();
    const trojan = await call(client, 'mcpbox_validate_code', { code: 'async def main() -> dict:\n    s = "x\u202e"\n    return {}\n' });
    expect(trojan.data.valid).toBe(false);
    expect(trojan.data.errors).toEqual([{ line: 2, col: 11, message: 'tool code contains the invisible bidirectional control U+202E RIGHT-TO-LEFT OVERRIDE, which makes the code shown to a reviewer differ from the code that runs — delete it (inside a string, write it as the escape \\u202e)' }]);
    const created = await call(client, 'mcpbox_create_tool', { server_id: 'evil', name: 'trojan', python_code: 'async def main() -> dict:\n    s = "x\u202e"\n    return {}\n' });
    expect(created.isError).toBe(true);
    expect(created.text).toContain('2:11');
    expect(created.text).toContain('U+202E RIGHT-TO-LEFT OVERRIDE');
    expect(fx.git('rev-parse', 'refs/heads/mcpbox/draft/evil').trim()).toBe(head);
  });

  it('a host with an IPv6 zone id, userinfo or an IDN is refused with its reason, and nothing is written', async () => {
    const head = fx.git('rev-parse', 'refs/heads/mcpbox/draft/evil').trim();
    const cases: Array<[string, string]> = [
      ['fe80::1%eth0', 'host `fe80::1%eth0` carries an IPv6 zone id (`%eth0`), which names a network interface of one machine, not an address — remove it and write `fe80::1`.'],
      ['user@api.example.com', 'host `user@api.example.com` contains user information (`…@`) — credentials never go into a host; write the host name after the `@` and keep credentials in a secret.'],
      ['bücher.example', 'host `bücher.example` is an international domain name — write its ASCII (punycode) form `xn--bcher-kva.example`.'],
      ['a..example.com', 'host `a..example.com` has an empty label (two dots in a row, or a leading dot).'],
    ];
    for (const [host, reason] of cases) {
      const refused = await call(client, 'mcpbox_request_network_access', { server_id: 'evil', host, justification: 'reach the service it checks' });
      expect(refused.isError, host).toBe(true);
      expect(refused.text).toBe(`Error: ${reason} Pass a host name such as "api.github.com" or an IP address (no scheme, userinfo, wildcard, path, port or zone id).`);
    }
    expect(fx.git('rev-parse', 'refs/heads/mcpbox/draft/evil').trim()).toBe(head);
    expect(fx.git('ls-tree', '--name-only', 'refs/heads/mcpbox/draft/evil', 'policy/')).not.toContain('network.yaml\nfe80');
  });
});

describe('mcpbox pr show and pr list', () => {
  let firstHead = '';
  let testCommit = '';

  it('the client puts hostile text into every field a reviewer reads', async () => {
    expect((await call(client, 'mcpbox_create_tool', { server_id: 'evil', name: 'fails', python_code: CODE })).isError).toBe(false);
    const test = await call(client, 'mcpbox_test_code', { tool_id: 'evil__fails', arguments: {} });
    expect(test.data).toMatchObject({ success: false, recorded: true });
    testCommit = test.data.commit as string;
    expect((test.data.error as { message: string }).message).toContain('boom');
    const grant = await call(client, 'mcpbox_request_network_access', { server_id: 'evil', host: 'api.example.com', justification: `reads the status${HOSTILE} \u202eAPI of example` });
    expect(grant.data).toMatchObject({ outcome: 'draft' });
    const published = await call(client, 'mcpbox_request_publish', { server_id: 'evil', notes: `Harmless.${HOSTILE}\nSecond line \u2066with an isolate\u2069.` });
    expect(published.data).toMatchObject({ outcome: 'created', pull_request: 1 });
    const module = await call(client, 'mcpbox_request_module', { module_name: 'yaml', justification: `parse feeds${HOSTILE}\u202e and more` });
    expect(module.data).toMatchObject({ outcome: 'created', pull_request: 2 });
  });

  it('pr show prints no raw control or hidden character, shows them visibly and warns where they are', async () => {
    const show = await pr('show', '1');
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).not.toMatch(RAW);
    const visible = '^[[2J^[[1A^[[2Kx^H^M<U+009B>31m<U+0085>';
    // The notes, the test error recorded on the draft, the grant's reason (through YAML and back), the code.
    expect(show.stdout).toContain(`Harmless.${visible}`);
    expect(show.stdout).toContain(`FAILED at`);
    expect(show.stdout).toContain(`boom${visible}end`);
    // Whitespace in a reason is folded to single spaces when it is written into YAML (the carriage return too).
    const folded = visible.replace('^M', ' ');
    expect(show.stdout).toContain(`network evil → api.example.com — reads the status${folded} <U+202E>API of example`);
    // The grant was committed after the test ran: the test belongs to an older head.
    expect(show.stdout).toMatch(/evil__fails \(added\): FAILED \(STALE: recorded at [0-9a-f]{12}, an older head than the one shown\)/);
    expect(show.stdout).toContain(`+    marker = "o<U+200B>k"  # a zero-width space inside the string`);
    expect(show.stdout).toContain('+    # a raw escape in a comment:^[[2K');
    expect(show.stdout).toContain('WARNING:');
    expect(show.stdout).toContain('servers/evil/tools/fails.py:3:16: U+200B ZERO WIDTH SPACE (invisible)');
    expect(show.stdout).toMatch(/policy\/network\.yaml:\d+:\d+: U\+202E RIGHT-TO-LEFT OVERRIDE \(reorders how the text is shown\)/);
    // The body was neutralised when it was composed; it carries its own warning line.
    expect(show.stdout).toContain('> **Warning: invisible or bidirectional character** at notes:2:13: U+2066 LEFT-TO-RIGHT ISOLATE');
    const shown = /Shown head: ([0-9a-f]{40})/.exec(show.stdout)?.[1];
    expect(shown).toBe(fx.git('rev-parse', 'refs/heads/mcpbox/draft/evil').trim());
    firstHead = shown ?? '';

    const module = await pr('show', '2');
    expect(module.stdout).not.toMatch(RAW);
    expect(module.stdout).toContain(`module yaml — parse feeds${visible.replace('^M', ' ')}<U+202E> and more`);
  }, 120_000);

  it('pr list shows titles neutralised and its JSON escapes what JSON.stringify leaves raw', async () => {
    const list = await pr('list');
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).not.toMatch(RAW);
    const json = await pr('list', '--json');
    expect(json.stdout).not.toMatch(RAW);
    expect((JSON.parse(json.stdout) as Array<{ number: number }>).map((p) => p.number)).toEqual([1, 2]);
  }, 60_000);

  it('the pull request body carries the warnings, control characters made visible, in a fence nothing can close', async () => {
    const body = (await fx.admin.getPullRequest({ number: 1 })).body;
    expect(body).not.toMatch(RAW);
    expect(body).toContain('> **Warning: invisible or bidirectional character** at servers/evil/tools/fails.py:3:16: U+200B ZERO WIDTH SPACE (invisible); it is shown as `<U+XXXX>` below.');
    expect(body).toContain('> **Warning: invisible or bidirectional character** at notes:2:13: U+2066 LEFT-TO-RIGHT ISOLATE (reorders how the text is shown); it is shown as `<U+XXXX>` below.');
    expect(body).toContain('# a raw escape in a comment:^[[2K');
  });

  describe('merge what was reviewed', () => {
    it('a commit pushed after pr show: pr merge refuses, names the commit, and main is unchanged', async () => {
      const main = fx.git('rev-parse', 'refs/heads/main').trim();
      const update = await call(client, 'mcpbox_update_tool', { tool_id: 'evil__fails', python_code: 'async def main() -> dict:\n    return {"sneaky": True}\n' });
      expect(update.isError, update.text).toBe(false);
      const now = fx.git('rev-parse', 'refs/heads/mcpbox/draft/evil').trim();
      const subject = fx.git('log', '-1', '--format=%s', now).trim();
      const merge = await pr('merge', '1');
      expect(merge.code).toBe(1);
      expect(merge.stderr).toBe(
        `mcpbox: pull request #1 moved since it was reviewed: the last \`pr show\` was ${firstHead.slice(0, 12)}, the branch is now at ${now.slice(0, 12)}; nothing was merged.\n` +
          `Commits added since:\n  ${now.slice(0, 7)} ${subject}\n` +
          'Run `mcpbox pr show 1` again to review what is there now, then merge.\n',
      );
      const pinned = await pr('merge', '1', '--head', firstHead);
      expect(pinned.code).toBe(1);
      expect(pinned.stderr).toContain(`mcpbox: pull request #1 moved since it was reviewed: --head was ${firstHead.slice(0, 12)}, the branch is now at ${now.slice(0, 12)}; nothing was merged.`);
      expect(fx.git('rev-parse', 'refs/heads/main').trim()).toBe(main);
      expect((await fx.admin.getPullRequest({ number: 1 })).state).toBe('open');
    }, 120_000);

    it('the recorded test now belongs to an older head and is marked stale', async () => {
      const show = await pr('show', '1');
      expect(show.stdout).toMatch(new RegExp(`evil__fails \\(added\\): FAILED \\(an older version of the code\\) \\(STALE: recorded at ${testCommit.slice(0, 12)}, an older head than the one shown\\)`));
    }, 60_000);

    it('a pull request never shown is not merged without --head; after pr show the merge takes exactly the shown head', async () => {
      const unseen = await call(client, 'mcpbox_request_module', { module_name: 'paho.mqtt.client', justification: 'talk to the MQTT broker' });
      const n = unseen.data.pull_request as number;
      const never = await pr('merge', String(n));
      expect(never.code).toBe(1);
      expect(never.stderr).toBe(`mcpbox: pull request #${n} has not been reviewed here: run \`mcpbox pr show ${n}\` first (it records the head you saw, and merge takes exactly that head), or pass --head <sha>\n`);
      expect((await fx.admin.getPullRequest({ number: n })).state).toBe('open');
      const head = fx.git('rev-parse', 'refs/heads/mcpbox/draft/evil').trim();
      const merged = await pr('merge', '1');
      expect(merged.code, merged.stderr).toBe(0);
      expect(merged.stdout).toMatch(new RegExp(`^merged #1 .* at ${head.slice(0, 12)} → main [0-9a-f]{12}`));
      expect(fx.git('rev-parse', 'refs/heads/main^2').trim()).toBe(head);
    }, 120_000);
  });
});
