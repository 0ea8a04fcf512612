// A secret set with `mcpbox secret set` (value on stdin) reaches its server's tool as secrets["NAME"]
// in the real sandbox, and appears nowhere else: not in the tools repo, the gateway's log lines, the
// state store's files, execution logs, results, errors, printed output or the metrics.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { readDesiredState } from '@mcpbox/core';
import { createSandbox, type SandboxPool } from '@mcpbox/sandbox';
import { BIN, childEnv } from '../support/cli-process.ts';
import { makeRepo } from '../support/gateway-fixture.ts';
import { liveToolsOf } from '../support/test-registry.ts';
import { startOpsGateway, type OpsGateway } from './ops-fixture.ts';

const VALUE = 'sk-test-Q7w9Zr2mXv4Lp8Nt';
const CACHE = join(tmpdir(), 'mcpbox-ops-test-cache');

const PEEK = `async def main(note: str) -> dict:
    """Uses the API key without showing it."""
    key = secrets["API_KEY"]
    print("calling with", key)
    if note == "fail":
        raise ValueError("the key " + key + " was refused")
    return {"length": len(key), "prefix_ok": key.startswith("sk-test-"), "echo": key, "note": note}
`;

let g: OpsGateway;
let sandbox: SandboxPool;
let client: Client;
const logLines: string[] = [];

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=Admin', '-c', 'user.email=admin@example.invalid', ...args], { cwd, encoding: 'utf8' });
}

function setSecretWithCli(dataDir: string, server: string, name: string, value: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'secret', 'set', server, name], { env: childEnv({ MCPBOX_DATA_DIR: dataDir }), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(`${value}\n`);
  });
}

beforeAll(async () => {
  const { dir, repo } = await makeRepo();
  // main gets a server that declares API_KEY and a tool that reads it.
  const work = join(dir, 'work');
  execFileSync('git', ['clone', '-q', repo, work]);
  mkdirSync(join(work, 'servers/vault/tools'), { recursive: true });
  writeFileSync(join(work, 'servers/vault/server.yaml'), 'description: Uses an API key.\nenabled: true\nsecrets:\n  - name: API_KEY\n    description: key for the test API\n');
  writeFileSync(join(work, 'servers/vault/tools/peek.py'), PEEK);
  git(work, 'add', '-A');
  git(work, 'commit', '-q', '-m', 'Add vault');
  git(work, 'push', '-q', 'origin', 'HEAD:main');
  rmSync(work, { recursive: true, force: true });

  const set = await setSecretWithCli(dir, 'vault', 'API_KEY', VALUE);
  expect(set.code).toBe(0);
  expect(set.stderr + set.stdout).not.toContain(VALUE);

  const sink = new Writable({ write(chunk: Buffer, _enc, done) { logLines.push(chunk.toString()); done(); } });
  const logger = pino({ level: 'trace' }, sink);
  sandbox = createSandbox({ dataDir: dir, cacheDir: CACHE, log: logger.child({ component: 'sandbox' }), idleMs: 60_000 });
  g = await startOpsGateway({ dir, repo, sandbox, logger });
  const state = await readDesiredState(repo);
  g.registry.apply(state, liveToolsOf(state, { vault__peek: { type: 'object', properties: { note: { type: 'string' } }, required: ['note'] } }));
  client = new Client({ name: 'ops-secrets', version: '1.0.0' }, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
  await client.connect(new StreamableHTTPClientTransport(new URL(g.url)));
}, 180_000);

afterAll(async () => {
  await client?.close();
  await g?.close();
  await sandbox?.close();
});

describe('a secret set with the CLI', () => {
  const seen: string[] = [];

  it('reaches its tool as secrets["API_KEY"], while the echoed value comes back redacted', async () => {
    const result = await client.callTool({ name: 'vault__peek', arguments: { note: 'hello' } });
    seen.push(JSON.stringify(result));
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ length: VALUE.length, prefix_ok: true, echo: '[REDACTED]', note: 'hello' });
  }, 120_000);

  it('stays out of errors, and an argument equal to the value is redacted in the log', async () => {
    const failed = await client.callTool({ name: 'vault__peek', arguments: { note: 'fail' } });
    seen.push(JSON.stringify(failed));
    expect(failed.isError).toBe(true);
    const echoed = await client.callTool({ name: 'vault__peek', arguments: { note: VALUE } });
    seen.push(JSON.stringify(echoed));
    const entries = g.logs.query({ tool: 'vault__peek', limit: 10 });
    expect(entries).toHaveLength(3);
    expect(entries.find((e) => !e.success)?.error).toMatch(/ValueError: the key \[REDACTED\] was refused/);
    expect(entries[0]?.argsJson).toBe('{"note":"[REDACTED]"}');
  }, 60_000);

  it('is reported as set by mcpbox_list_server_secrets, without its value', async () => {
    const listed = await client.callTool({ name: 'mcpbox_list_server_secrets', arguments: { server_id: 'vault' } });
    seen.push(JSON.stringify(listed));
    expect(listed.structuredContent).toMatchObject({ secrets: [{ key: 'API_KEY', has_value: true }] });
  });

  it('appears nowhere else: repo, gateway log, state store files, logs, results, metrics, CLI listing', async () => {
    const metrics = await (await fetch(`${g.origin}/metrics`)).text();
    const listing = await new Promise<string>((resolve) => {
      const child = spawn(process.execPath, [BIN, 'secret', 'list', '--json'], { env: childEnv({ MCPBOX_DATA_DIR: g.dir }) });
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.on('data', (c: Buffer) => (out += c.toString()));
      child.on('close', () => resolve(out));
    });
    expect(listing).toContain('API_KEY');
    const logsCli = await new Promise<string>((resolve) => {
      const child = spawn(process.execPath, [BIN, 'logs', '--json'], { env: childEnv({ MCPBOX_DATA_DIR: g.dir }) });
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.on('close', () => resolve(out));
    });
    expect(logsCli).toContain('vault__peek');
    const history = git(g.repo, 'log', '--all', '-p');
    const texts = { results: seen.join('\n'), metrics, listing, logsCli, history, gatewayLog: logLines.join('') };
    expect(texts.gatewayLog.length).toBeGreaterThan(0);
    for (const [what, text] of Object.entries(texts)) expect(text.includes(VALUE), what).toBe(false);
    // Every file of the data dir, the store and its WAL before and after a checkpoint.
    const scan = () => {
      const files: string[] = [];
      const walk = (d: string) => {
        for (const name of readdirSync(d)) {
          const p = join(d, name);
          if (statSync(p).isDirectory()) walk(p);
          else files.push(p);
        }
      };
      walk(g.dir);
      for (const file of files) expect(readFileSync(file).includes(Buffer.from(VALUE)), file).toBe(false);
      return files.length;
    };
    expect(scan()).toBeGreaterThan(3);
    g.store.db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    scan();
  });
});
