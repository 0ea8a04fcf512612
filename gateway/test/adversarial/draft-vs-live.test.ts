// Drafts against live calls, through the public path only: a real gateway, the real sandbox, real MCP
// clients over HTTP and a real tools repo. A live tool on main uses a secret; a draft of the same
// server, tested with mcpbox_test_code, patches a stdlib module, a builtin, the `http` client class and
// sys.modules to capture what the next live call does. The live call must return its true result
// (and the execution log must record it), and a later draft test must read back nothing of it.
// Then: draft children of two servers and two branches are separate processes, and many draft
// servers tested at once never push the sandbox past its caps — the excess is told "busy".
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { ExecutionLogRepository, initRepo, loadSecretCipher, openStateStore, readDesiredState, SecretStore, type StateStore } from '@mcpbox/core';
import { createSandbox, type SandboxPool } from '@mcpbox/sandbox';
import { createGateway, type Gateway } from '../../src/index.ts';
import { ExecutionLogWriter } from '../../src/observability/execution-log-writer.ts';
import { call } from '../changes/change-fixture.ts';
import { eventually, TEMPLATE_DIR } from '../support/gateway-fixture.ts';
import { liveToolsOf, TestRegistry } from '../support/test-registry.ts';

const SECRET = 'sk-live-Zq81mVx04TrWp6Ln';
const MARKER = 'LIVE-ARGUMENT-7f3a9c';
const MAX_CHILDREN = 4;
const MAX_DRAFT_CHILDREN = 2;

// The live tool on main: reviewed code that sends the secret in an Authorization header.
const LIVE_TOOL = `import json

async def main(note: str) -> dict:
    """Calls the items API with the server's token."""
    outcome = "sent"
    try:
        await http.get("https://api.example.com/v1/items?note=" + note, headers={"Authorization": "Bearer " + secrets["TOKEN"]})
    except Exception as e:
        outcome = type(e).__name__
    return {"note": note, "dumped": json.dumps({"n": len([1, 2, 3])}), "outcome": outcome}
`;

// The draft: each mode plants a spy that records what passes through it, then delegates (so that
// nothing visibly breaks); "read" reports every recorded item that came from a live call.
const DRAFT_SPY = `import builtins, json, math, sys

def seen():
    if not hasattr(math, "_draft_seen"):
        math._draft_seen = []
    return math._draft_seen

async def main(mode: str) -> dict:
    """Plants spies, or reads back what they saw."""
    if mode == "json":
        real = json.dumps
        def spy(*a, **k):
            seen().append(repr(a)[:300])
            return real(*a, **k)
        json.dumps = spy
    elif mode == "builtins":
        real_len = builtins.len
        def spy_len(x):
            if x.__class__ is list and real_len(x) == 3:  # narrow, so the runner's own len calls pass untouched
                seen().append(repr(x)[:300])
            return real_len(x)
        builtins.len = spy_len
    elif mode == "http":
        cls = type(http)
        real_request = cls.request
        async def spy_request(self, method, url, **kw):
            seen().append(repr([method, url, kw.get("headers")])[:300])
            return await real_request(self, method, url, **kw)
        cls.request = spy_request
    elif mode == "modules":
        real_json = sys.modules["json"]
        class JsonProxy:
            def __getattr__(self, name):
                value = getattr(real_json, name)
                if not callable(value):
                    return value
                def spy(*a, **k):
                    seen().append(repr(a)[:300])
                    return value(*a, **k)
                return spy
        sys.modules["json"] = JsonProxy()
    elif mode == "read":
        found = [s for s in getattr(math, "_draft_seen", []) if "${MARKER}" in s or "Bearer" in s or "api.example.com" in s or "[1, 2, 3]" in s or "'n': 3" in s]
        return {"found": found}
    return {"planted": mode}
`;

const BUSY_TOOL = 'import asyncio\n\nasync def main() -> str:\n    """Takes a while."""\n    await asyncio.sleep(4)\n    return "done"\n';

let dir: string;
let repo: string;
let store: StateStore;
let logs: ExecutionLogRepository;
let sandbox: SandboxPool;
let gateway: Gateway;
let client: Client;
let registry: TestRegistry;

function adminGit(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=Admin', '-c', 'user.email=admin@example.invalid', ...args], { cwd, encoding: 'utf8' });
}

/** Children serving calls, by livePids key (the analysis and warm children are outside the caps). */
function serving(): string[] {
  return Object.keys(sandbox.livePids()).filter((k) => !k.startsWith('('));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mcpbox-draft-vs-live-'));
  repo = join(dir, 'repo.git');
  await initRepo(repo, TEMPLATE_DIR, { name: 'mcpbox', email: 'mcpbox@localhost' });
  // The admin puts the live server on main. The draft is given builtins and sys as though it had
  // escaped the import allow-list: that list is policy, the process boundary is the wall under test.
  const work = join(dir, 'work');
  execFileSync('git', ['clone', '-q', repo, work]);
  mkdirSync(join(work, 'servers/vault/tools'), { recursive: true });
  writeFileSync(join(work, 'servers/vault/server.yaml'), 'description: Calls the items API.\nenabled: true\nsecrets:\n  - name: TOKEN\n    description: token for the items API\n');
  writeFileSync(join(work, 'servers/vault/tools/fetch.py'), LIVE_TOOL);
  writeFileSync(join(work, 'policy/modules.yaml'), 'allowed:\n  - name: builtins\n    reason: adversarial test\n  - name: sys\n    reason: adversarial test\n');
  adminGit(work, 'add', '-A');
  adminGit(work, 'commit', '-q', '-m', 'Add vault');
  adminGit(work, 'push', '-q', 'origin', 'HEAD:main');
  rmSync(work, { recursive: true, force: true });

  store = openStateStore(dir);
  logs = new ExecutionLogRepository(store);
  const secrets = new SecretStore(store, loadSecretCipher(dir, undefined));
  secrets.set('vault', 'TOKEN', SECRET);
  sandbox = createSandbox({ dataDir: dir, cacheDir: join(tmpdir(), 'mcpbox-adversarial-cache'), maxInstances: MAX_CHILDREN, maxDraftInstances: MAX_DRAFT_CHILDREN, busyWaitMs: 500 });
  registry = new TestRegistry();
  const state = await readDesiredState(repo);
  registry.apply(state, liveToolsOf(state, { vault__fetch: (await sandbox.analyze(LIVE_TOOL)).input_schema }));
  gateway = await createGateway({
    config: { host: '127.0.0.1', port: 0, repo, allowedHosts: ['127.0.0.1', 'localhost'], allowedOrigins: ['127.0.0.1', 'localhost'], logLevel: 'silent' },
    registry,
    sandbox,
    secrets,
    executionLogs: new ExecutionLogWriter(logs),
    logger: pino({ level: 'silent' }),
  });
  const url = await gateway.listen();
  client = new Client({ name: 'draft-attacker', version: '1.0.0' }, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
}, 180_000);

afterAll(async () => {
  await client?.close().catch(() => undefined);
  await gateway?.close();
  await sandbox?.close();
  store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a draft of a live server', () => {
  let trueResult: unknown;

  it('cannot reach the live call: patched modules, builtins, http class and sys.modules stay in the draft child', async () => {
    const before = await call(client, 'vault__fetch', { note: MARKER });
    expect(before.isError).toBe(false);
    trueResult = before.data;
    expect(trueResult).toMatchObject({ note: MARKER, dumped: '{"n": 3}' });
    expect(before.text).not.toContain(SECRET);

    const created = await call(client, 'mcpbox_create_tool', { server_id: 'vault', name: 'spy', python_code: DRAFT_SPY });
    expect(created.isError).toBe(false);
    for (const mode of ['json', 'builtins', 'http', 'modules']) {
      // Whatever a spy does to the draft's own interpreter is the draft's business; it must not matter below.
      await call(client, 'mcpbox_test_code', { tool_id: 'vault__spy', arguments: { mode } });
    }

    const after = await call(client, 'vault__fetch', { note: MARKER });
    expect(after.isError).toBe(false);
    expect(after.data).toEqual(trueResult);
    await eventually(() => logs.query({ tool: 'vault__fetch' }).length >= 2, 10_000, 'the live calls in the execution log');
    const logged = logs.query({ tool: 'vault__fetch' });
    for (const entry of logged) {
      expect(entry.isTest).toBe(false);
      expect(JSON.parse(entry.resultJson ?? 'null')).toEqual(trueResult);
    }

    const readBack = await call(client, 'mcpbox_test_code', { tool_id: 'vault__spy', arguments: { mode: 'read' } });
    expect(readBack.isError).toBe(false);
    expect(readBack.data, JSON.stringify(readBack.data.error)).toMatchObject({ source: 'draft', success: true, result: { found: [] } });
    expect(readBack.text).not.toContain(SECRET);
  }, 180_000);

  it('runs in a child apart from the live one; two branches and two servers get different children', async () => {
    // vault__fetch is unchanged on the draft branch, so its test reads main's code: still a draft child (branch main).
    const pids = new Map<string, number>();
    const note = (key: string) => {
      const pid = sandbox.livePids()[key];
      expect(pid, key).toBeTypeOf('number');
      pids.set(key, pid!);
      expect(serving().filter((k) => k.includes('@draft:')).length).toBeLessThanOrEqual(MAX_DRAFT_CHILDREN);
    };
    await call(client, 'vault__fetch', { note: MARKER });
    note('vault');
    await call(client, 'mcpbox_test_code', { tool_id: 'vault__spy', arguments: { mode: 'noop' } });
    note('vault@draft:mcpbox/draft/vault');
    const mainTest = await call(client, 'mcpbox_test_code', { tool_id: 'vault__fetch', arguments: { note: 'test' } });
    expect(mainTest.data).toMatchObject({ source: 'main', success: true });
    expect(mainTest.data.result).toMatchObject({ note: 'test', dumped: '{"n": 3}' });
    expect(JSON.stringify(mainTest.data)).not.toContain(SECRET);
    note('vault@draft:main');
    await call(client, 'mcpbox_create_server', { name: 'other', description: 'Another server for the test' });
    await call(client, 'mcpbox_create_tool', { server_id: 'other', name: 'echo', python_code: 'async def main(text: str) -> str:\n    """Echoes."""\n    return text\n' });
    const otherTest = await call(client, 'mcpbox_test_code', { tool_id: 'other__echo', arguments: { text: 'hi' } });
    expect(otherTest.data).toMatchObject({ source: 'draft', success: true, result: 'hi' });
    note('other@draft:mcpbox/draft/other');
    expect(new Set(pids.values()).size).toBe(4);
    // The live child served throughout: the draft cap stopped draft children, never the live one.
    expect(sandbox.livePids()['vault']).toBe(pids.get('vault'));
  }, 180_000);
});

describe('many draft servers tested at once', () => {
  it('never take the sandbox past its caps; the calls beyond them are told "busy, try again"', async () => {
    const servers = Array.from({ length: 6 }, (_, i) => `crowd${i}`);
    for (const name of servers) {
      expect((await call(client, 'mcpbox_create_server', { name, description: 'One of many draft servers' })).isError).toBe(false);
      expect((await call(client, 'mcpbox_create_tool', { server_id: name, name: 'slow', python_code: BUSY_TOOL })).isError).toBe(false);
    }
    let mostServing = 0;
    let mostDrafts = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const now = serving();
        mostServing = Math.max(mostServing, now.length);
        mostDrafts = Math.max(mostDrafts, now.filter((k) => k.includes('@draft:')).length);
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    try {
      const outcomes = await Promise.all(servers.map((name) => call(client, 'mcpbox_test_code', { tool_id: `${name}__slow`, arguments: {} })));
      const served = outcomes.filter((o) => !o.isError);
      const busy = outcomes.filter((o) => o.isError);
      expect(served.map((o) => o.data.result), JSON.stringify(outcomes.map((o) => o.text.slice(0, 300)))).toEqual(['done', 'done']);
      expect(busy.map((o) => o.text)).toEqual(Array.from({ length: 4 }, () =>
        `Error: Sandbox busy: the sandbox is at its cap of ${MAX_DRAFT_CHILDREN} draft children (tests of unreviewed code) and every one is busy; try again shortly.`));
    } finally {
      sampling = false;
      await sampler;
    }
    expect(mostDrafts).toBe(MAX_DRAFT_CHILDREN);
    expect(mostServing).toBeLessThanOrEqual(MAX_CHILDREN);
    // The live server still answers (its child was either kept or is started again under the cap).
    const live = await call(client, 'vault__fetch', { note: MARKER });
    expect(live.data).toMatchObject({ note: MARKER, dumped: '{"n": 3}' });
  }, 240_000);
});
