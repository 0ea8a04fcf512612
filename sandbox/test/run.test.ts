// run(): results as JSON, captured output, structured errors, the globals a tool gets, the import
// allowlist, and the HTTP plumbing from Python through the child to the parent's bridge.

import { afterAll, describe, expect, it } from 'vitest';
import type { RunPolicy } from '../src/contract.ts';
import type { HttpRequest, HttpResponse } from '../src/network/types.ts';
import type { HttpBridgeLike } from '../src/pool/options.ts';
import { testSandbox, tool } from './test-sandbox.ts';

// A real bridge object speaking the interface; it records what the child asked for.
const bridgeCalls: Array<{ server: string; grants: RunPolicy['grants']; req: HttpRequest }> = [];
const bridge: HttpBridgeLike = {
  async request(server, grants, req): Promise<HttpResponse> {
    bridgeCalls.push({ server, grants, req });
    if (req.url.includes('refuse')) throw Object.assign(new Error('host not granted: ask with mcpbox_request_network'), { code: 'not_granted' });
    return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ echo: req.url, body: req.body ?? null }), bodyEncoding: 'utf8', url: req.url };
  },
};

const t = testSandbox({ httpBridge: bridge });
afterAll(() => t.close());

describe('results are JSON', () => {
  const cases: Array<{ name: string; expr: string; expected: unknown }> = [
    { name: 'dict stays a dict', expr: "{'a': 1, 'b': [1, 2]}", expected: { a: 1, b: [1, 2] } },
    { name: 'tuple → list', expr: '(1, 2)', expected: [1, 2] },
    { name: 'set → sorted list', expr: '{3, 1, 2}', expected: [1, 2, 3] },
    { name: 'datetime → ISO', expr: 'datetime.datetime(2026, 1, 2, 3, 4, 5)', expected: '2026-01-02T03:04:05' },
    { name: 'date → ISO', expr: 'datetime.date(2026, 1, 2)', expected: '2026-01-02' },
    { name: 'bytes → base64', expr: "b'hi'", expected: 'aGk=' },
    { name: 'Decimal → string', expr: "__import__('decimal').Decimal('1.10')", expected: '1.10' },
    { name: 'other objects → str()', expr: 'type("X", (), {"__str__": lambda s: "an X"})()', expected: 'an X' },
    { name: 'non-str keys → str', expr: '{1: "a", None: "b"}', expected: { '1': 'a', None: 'b' } },
    { name: 'NaN → null', expr: "float('nan')", expected: null },
    { name: 'big int → string', expr: '2**64', expected: '18446744073709551616' },
    { name: 'None → null', expr: 'None', expected: null },
    { name: 'nested', expr: "{'x': [{'y': (1, {2})}]}", expected: { x: [{ y: [1, [2]] }] } },
  ];
  it.each(cases)('$name', async ({ expr, expected }) => {
    const r = await t.run('results', tool(`return ${expr}`));
    expect(r.error).toBeUndefined();
    expect(r.result).toEqual(expected);
  });
});

describe('arguments and globals', () => {
  it('passes args as keyword arguments and as `arguments`', async () => {
    const r = await t.run('globals', 'async def main(city: str, days: int = 3):\n    return [city, days, arguments]\n', { args: { city: 'Oslo' } });
    expect(r.result).toEqual(['Oslo', 3, { city: 'Oslo' }]);
  });

  it('provides json, datetime, http and a read-only secrets mapping', async () => {
    const r = await t.run('globals', tool("secrets_ok = secrets['API'] == 'k-123'\ntry:\n    secrets['API'] = 'x'\n    ro = False\nexcept TypeError:\n    ro = True\nreturn [json.dumps([1]), datetime.date(2020, 1, 1).year, http is not None, secrets_ok, ro]"), { secrets: { API: 'k-123' } });
    expect(r.result).toEqual(['[1]', 2020, true, true, true]);
  });

  it('runs every call in fresh globals: module-level state does not persist', async () => {
    const code = 'counter = []\nasync def main():\n    counter.append(1)\n    return len(counter)\n';
    expect((await t.run('globals', code)).result).toBe(1);
    expect((await t.run('globals', code)).result).toBe(1);
  });

  it('unknown keyword argument is a TypeError naming it', async () => {
    const r = await t.run('globals', tool('return 1', 'a: int'), { args: { a: 1, b: 2 } });
    expect(r.error?.type).toBe('TypeError');
    expect(r.error?.message).toMatch(/'b'/);
  });
});

describe('output capture', () => {
  it('captures print and stderr per call', async () => {
    const r = await t.run('output', tool("import sys\nprint('hello')\nprint('oops', file=sys.stderr)\nreturn 1"), { policy: { allowedModules: ['sys'], grants: [] } });
    expect(r.stdout).toBe('hello\noops\n');
  });

  it('does not leak output into the next call', async () => {
    await t.run('output', tool("print('first')\nreturn 1"));
    const r = await t.run('output', tool('return 2'));
    expect(r.stdout).toBe('');
  });

  it('caps output at 1 MB with a truncation marker', async () => {
    const r = await t.run('output', tool("for _ in range(2000):\n    print('x' * 1000)\nreturn 'done'"));
    expect(r.result).toBe('done');
    expect(r.stdout.length).toBeLessThan(1_000_200);
    expect(r.stdout).toMatch(/\[output truncated: the tool printed more than 1 MB\]$/);
  });
});

describe('errors', () => {
  it('carries type, message, the tool line and a traceback of tool frames only', async () => {
    const code = 'def helper(x):\n    return 1 / x\n\nasync def main():\n    print("before")\n    return helper(0)\n';
    const r = await t.run('errors', code);
    expect(r.result).toBeNull();
    expect(r.stdout).toBe('before\n');
    expect(r.error).toMatchObject({ type: 'ZeroDivisionError', message: 'division by zero', line: 2 });
    expect(r.error?.traceback).toContain('line 6, in main');
    expect(r.error?.traceback).toContain('line 2, in helper');
    expect(r.error?.traceback).not.toMatch(/runner|\/lib\/python|mcpbox/);
  });

  it('reports a syntax error with its line', async () => {
    const r = await t.run('errors', 'async def main():\n    return (\n');
    expect(r.error?.type).toBe('SyntaxError');
    expect(r.error?.line).toBe(2);
  });

  it('says when main is missing or not async', async () => {
    expect((await t.run('errors', 'x = 1\n')).error?.message).toMatch(/no `async def main/);
    expect((await t.run('errors', 'def main():\n    return 1\n')).error?.message).toMatch(/must be async/);
  });

  it('refuses a result over 1 MB with advice', async () => {
    const r = await t.run('errors', tool("return 'x' * 2_000_000"));
    expect(r.error?.type).toBe('ResultError');
    expect(r.error?.message).toMatch(/limit is 1000000.*Return less data/);
  });
});

describe('import allowlist', () => {
  it('allows the built-in safe set and refuses the rest with the request hint', async () => {
    expect((await t.run('imports', tool('import re, math, urllib.parse\nreturn math.floor(2.5)'))).result).toBe(2);
    const r = await t.run('imports', tool('import sqlite3\nreturn 1'));
    expect(r.error?.type).toBe('PolicyError');
    expect(r.error?.message).toBe("module 'sqlite3' is not allowed for this server; ask for it with mcpbox_request_module (server 'imports', module 'sqlite3', justification)");
    expect(r.error?.line).toBe(2);
  });

  it('adds the policy modules to the safe set', async () => {
    const r = await t.run('imports', tool("import fnmatch\nreturn fnmatch.fnmatch('a.py', '*.py')"), { policy: { allowedModules: ['fnmatch'], grants: [] } });
    expect(r.result).toBe(true);
  });
});

describe('http plumbing', () => {
  it('goes from Python through the child to the bridge with this call\'s server and grants', async () => {
    bridgeCalls.length = 0;
    const grants = [{ host: 'api.example.com' }];
    const r = await t.run('net', tool("r = await http.post('https://api.example.com/x', json={'a': 1})\nreturn [r.status_code, r.json()]"), { policy: { allowedModules: [], grants } });
    expect(r.error).toBeUndefined();
    expect(r.result).toEqual([200, { echo: 'https://api.example.com/x', body: '{"a": 1}' }]);
    expect(bridgeCalls).toHaveLength(1);
    expect(bridgeCalls[0]).toMatchObject({ server: 'net', grants, req: { method: 'POST', url: 'https://api.example.com/x' } });
  });

  it('turns a bridge refusal into a Python exception with the bridge message', async () => {
    const r = await t.run('net', tool("await http.get('https://refuse.example.com/')\nreturn 1"));
    expect(r.error?.message).toMatch(/host not granted: ask with mcpbox_request_network/);
  });
});

describe('lifecycle', () => {
  it('start/stop a server explicitly; a call after stop starts it again', async () => {
    await t.sandbox.start('life');
    const pid = t.sandbox.livePids()['life'];
    expect(pid).toBeTypeOf('number');
    await t.sandbox.stop('life');
    expect(t.sandbox.livePids()['life']).toBeUndefined();
    expect((await t.run('life', tool('return 7'))).result).toBe(7);
    expect(t.sandbox.livePids()['life']).not.toBe(pid);
  });

  it('queues concurrent calls to one server and answers each', async () => {
    const results = await Promise.all([1, 2, 3, 4].map((i) => t.run('queue', tool(`return ${i}`))));
    expect(results.map((r) => r.result)).toEqual([1, 2, 3, 4]);
  });

  it('rejects a malformed request with a typed error naming the field', async () => {
    await expect(t.sandbox.run({ domain: { kind: 'live' }, server: '', tool: 't', code: '', args: {}, policy: { allowedModules: [], grants: [] } }))
      .rejects.toMatchObject({ code: 'sandbox_bad_input', message: expect.stringMatching(/server/) });
  });
});
