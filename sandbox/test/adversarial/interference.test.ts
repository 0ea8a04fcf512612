// Interference between servers: whatever one server's tools do — loop, allocate, crash, patch the
// interpreter, flood — another server's calls run concurrently, get correct answers, and see none of it.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ESCAPED_POLICY, DEFAULT_POLICY, processAlive, testSandbox } from '../test-sandbox.ts';
import { plain } from './harness.ts';

const t = testSandbox({ graceMs: 300 });
afterAll(() => t.close());
let victimPid = 0;
beforeAll(async () => {
  await Promise.all([t.sandbox.start('victim'), t.sandbox.start('attacker')]);
  victimPid = t.sandbox.livePids()['victim']!;
});

interface InterferenceCase {
  name: string;
  attack: string;
  timeoutMs?: number;
  /** Runs on the victim while (or right after) the attack runs; must return `expected`. */
  probe: string;
  expected: unknown;
}

const cases: InterferenceCase[] = [
  { name: 'C loop', attack: plain('return sum(range(10**13))'), timeoutMs: 1500, probe: plain('return sum(range(1000))'), expected: 499500 },
  { name: 'Python loop', attack: plain('while True:\n    pass'), timeoutMs: 1000, probe: plain('return 2 + 2'), expected: 4 },
  { name: 'memory bomb', attack: plain("x = 'a' * 10**9"), probe: plain("return len('b' * 10**6)"), expected: 1_000_000 },
  { name: 'os._exit', attack: plain('import os\nos._exit(1)'), probe: plain('return "up"'), expected: 'up' },
  { name: 'SIGKILL to the victim pid', attack: plain('import os\nos.kill(victim, 9)\nreturn 1', 'victim: int'), probe: plain('return "up"'), expected: 'up' },
  { name: 'patching builtins.len', attack: plain('import builtins\nbuiltins.len = lambda x: 999\nreturn 1'), probe: plain("return len('abc')"), expected: 3 },
  { name: 'patching json.dumps', attack: plain("import json\njson.dumps = lambda *a, **k: 'evil'\nreturn 1"), probe: plain('return json.dumps([1])'), expected: '[1]' },
  { name: 'poisoning sys.modules', attack: plain("import sys, types\nsys.modules['math'] = types.SimpleNamespace(pi=3)\nreturn 1"), probe: plain('import math\nreturn math.pi > 3.14'), expected: true },
  { name: 'files in /tmp', attack: plain("open('/tmp/shared', 'w').write('evil')\nreturn 1"), probe: plain("import os\nreturn __import__('os').path.exists('/tmp/shared')") , expected: false },
  { name: 'environment variables', attack: plain("import os\nos.environ['HTTP_PROXY'] = 'http://evil'\nreturn 1"), probe: plain("import os\nreturn os.environ.get('HTTP_PROXY')"), expected: null },
  { name: 'recursion limit lowered', attack: plain('import sys\nsys.setrecursionlimit(60)\nreturn 1'), probe: plain('def f(n):\n    return 0 if n == 0 else 1 + f(n - 1)\nreturn f(200)'), expected: 200 },
  { name: 'stdout flood', attack: plain("while True:\n    print('x' * 10000)"), timeoutMs: 800, probe: plain("print('clean')\nreturn 1"), expected: 1 },
  { name: 'sleep holding its own queue', attack: plain('import asyncio\nawait asyncio.sleep(1)\nreturn 1'), probe: plain('return "fast"'), expected: 'fast' },
];

describe('adversarial: interference between servers', () => {
  it.each(cases)('$name in one server leaves the other correct and alive', async (c) => {
    const attack = t.sandbox.run({ domain: { kind: 'live' }, server: 'attacker', tool: 'a', code: c.attack, args: { victim: victimPid }, policy: ESCAPED_POLICY, timeoutMs: c.timeoutMs ?? 5000 });
    const probe = await t.sandbox.run({ domain: { kind: 'live' }, server: 'victim', tool: 'p', code: c.probe, args: {}, policy: { allowedModules: ['os'], grants: [] } });
    expect(probe.error).toBeUndefined();
    expect(probe.result).toEqual(c.expected);
    expect(probe.stdout).not.toContain('x'.repeat(100));
    await attack;
    expect(t.sandbox.livePids()['victim']).toBe(victimPid);
    expect(processAlive(victimPid)).toBe(true);
    const after = await t.sandbox.run({ domain: { kind: 'live' }, server: 'victim', tool: 'p', code: c.probe, args: {}, policy: { allowedModules: ['os'], grants: [] } });
    expect(after.result).toEqual(c.expected);
  });

  it('fifty queued calls in one server do not queue another server', async () => {
    const floods = Array.from({ length: 50 }, () => t.sandbox.run({ domain: { kind: 'live' }, server: 'attacker', tool: 'a', code: plain('import time\ntime.sleep(0.05)\nreturn 1'), args: {}, policy: DEFAULT_POLICY }));
    let victimDone = false;
    let floodsDoneFirst = false;
    const all = Promise.all(floods).then(() => { floodsDoneFirst = !victimDone; });
    const probe = await t.sandbox.run({ domain: { kind: 'live' }, server: 'victim', tool: 'p', code: plain('return 1'), args: {}, policy: DEFAULT_POLICY });
    victimDone = true;
    expect(probe.result).toBe(1);
    await all;
    expect(floodsDoneFirst).toBe(false);
  });
});
