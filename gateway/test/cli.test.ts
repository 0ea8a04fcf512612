// The `mcpbox` command as a person uses it: help, usage errors, bad configuration, `init` twice,
// and `up` serving until SIGTERM. Real processes, real repos, real HTTP.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exited, freePort, runCli, startCli } from './support/cli-process.ts';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mcpbox-cli-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('mcpbox command frame', () => {
  it('--help lists the verbs and exits 0', async () => {
    const { code, stdout } = await runCli(['--help'], {});
    expect(code).toBe(0);
    for (const verb of ['up', 'stdio', 'init']) expect(stdout).toMatch(new RegExp(`^  ${verb}\\b`, 'm'));
  });

  it('every verb has --help', async () => {
    for (const verb of ['up', 'stdio', 'init']) {
      const { code, stdout } = await runCli([verb, '--help'], {});
      expect(code).toBe(0);
      expect(stdout).toMatch(new RegExp(`Usage: mcpbox ${verb}`));
    }
  });

  it('a usage error is one line and exit code 2', async () => {
    const unknown = await runCli(['frobnicate'], {});
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim().split('\n')).toHaveLength(1);
    expect(unknown.stderr).toMatch(/unknown command 'frobnicate'/);
    const badOption = await runCli(['init', '--bogus'], {});
    expect(badOption.code).toBe(2);
    expect(badOption.stderr.trim()).toBe("error: unknown option '--bogus'");
  });

  it('a bad configuration value stops `up` with one line and exit code 2', async () => {
    const port = await runCli(['up'], { MCPBOX_PORT: 'abc', MCPBOX_DATA_DIR: tempDir() });
    expect(port.code).toBe(2);
    expect(port.stderr).toBe('mcpbox: MCPBOX_PORT: expected a port number 1–65535, got "abc"\n');
    const bind = await runCli(['up'], { MCPBOX_HOST: '0.0.0.0', MCPBOX_DATA_DIR: tempDir() });
    expect(bind.code).toBe(2);
    expect(bind.stderr).toMatch(/^mcpbox: MCPBOX_AUTH: "none" is only allowed on a loopback bind/);
    expect(bind.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('mcpbox init', () => {
  it('creates the repo under MCPBOX_DATA_DIR, and a second run leaves it as it is', async () => {
    const data = tempDir();
    const first = await runCli(['init'], { MCPBOX_DATA_DIR: data });
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^created .*repo\.git \(main [0-9a-f]{12}, \d+ files from the template\)/);
    expect(existsSync(join(data, 'repo.git', 'HEAD'))).toBe(true);
    const second = await runCli(['init'], { MCPBOX_DATA_DIR: data });
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/^exists .* already a repository; left as it is/);
    // No colour codes when stdout is not a terminal.
    expect(first.stdout).not.toMatch(/\u001b\[/);
  });

  it('takes an explicit directory', async () => {
    const target = join(tempDir(), 'tools.git');
    const { code } = await runCli(['init', target], {});
    expect(code).toBe(0);
    expect(existsSync(join(target, 'refs'))).toBe(true);
  });
});

describe('mcpbox up', () => {
  it('creates the repo on first start, serves /healthz and MCP, prints the URL, and stops on SIGTERM', async () => {
    const data = tempDir();
    const port = await freePort();
    const { child, stderr } = await startCli(['up'], { MCPBOX_DATA_DIR: data, MCPBOX_PORT: String(port), LOG_LEVEL: 'warn' }, /claude mcp add/);
    try {
      expect(stderr()).toContain(`http://127.0.0.1:${port}/mcp`);
      expect(stderr()).toContain('"mcpServers"');
      expect(existsSync(join(data, 'repo.git', 'HEAD'))).toBe(true);
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(200);
      const list = await fetch(`http://127.0.0.1:${port}/mcp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'curl', version: '1' } } }),
      });
      expect(list.status).toBe(200);
      expect(list.headers.get('mcp-session-id')).toBeTruthy();
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited(child)).toBe(0);
  });

  it('says so in one line when the port is taken', async () => {
    const port = await freePort();
    const first = await startCli(['up'], { MCPBOX_DATA_DIR: tempDir(), MCPBOX_PORT: String(port), LOG_LEVEL: 'warn' }, /claude mcp add/);
    try {
      const second = await runCli(['up'], { MCPBOX_DATA_DIR: tempDir(), MCPBOX_PORT: String(port), LOG_LEVEL: 'warn' });
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(new RegExp(`^mcpbox: port ${port} on 127.0.0.1 is already in use`, 'm'));
    } finally {
      first.child.kill('SIGTERM');
      await exited(first.child);
    }
  });
});
