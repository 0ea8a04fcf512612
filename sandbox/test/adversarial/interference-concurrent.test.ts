// The interference cases under concurrent load, across the trust-domain boundary as well: every attack
// is launched at once, half in a draft of the victim's own server (its draft child) and half in another
// server, while the victim's live calls run concurrently. Each live call gets its correct answer, the
// live child is never replaced, and afterwards the live interpreter shows none of what was attempted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunDomain } from '../../src/contract.ts';
import { ESCAPED_POLICY, processAlive, testSandbox } from '../test-sandbox.ts';
import { plain } from './harness.ts';

const t = testSandbox({ graceMs: 300, maxDraftInstances: 1 });
afterAll(() => t.close());
let victimPid = 0;
beforeAll(async () => {
  await Promise.all([t.sandbox.start('victim'), t.sandbox.start('attacker')]);
  victimPid = t.sandbox.livePids()['victim']!;
});

const PROBE_POLICY = { allowedModules: ['os'], grants: [] };
const DRAFT: RunDomain = { kind: 'draft', branch: 'mcpbox/draft/victim' };

// Each attack with the live probe that would show it, and the probe's correct answer.
const cases: Array<{ name: string; attack: string; timeoutMs?: number; probe: string; expected: unknown }> = [
  { name: 'C loop', attack: plain('return sum(range(10**13))'), timeoutMs: 1500, probe: plain('return sum(range(1000))'), expected: 499500 },
  { name: 'Python loop', attack: plain('while True:\n    pass'), timeoutMs: 1000, probe: plain('return 2 + 2'), expected: 4 },
  { name: 'memory bomb', attack: plain("x = 'a' * 10**9"), probe: plain("return len('b' * 10**6)"), expected: 1_000_000 },
  { name: 'os._exit', attack: plain('import os\nos._exit(1)'), probe: plain('return "up"'), expected: 'up' },
  { name: 'SIGKILL to the victim pid', attack: plain('import os\nos.kill(victim, 9)\nreturn 1', 'victim: int'), probe: plain('return "up"'), expected: 'up' },
  { name: 'patching builtins.len', attack: plain('import builtins\nbuiltins.len = lambda x: 999\nreturn 1'), probe: plain("return len('abc')"), expected: 3 },
  { name: 'patching json.dumps', attack: plain("import json\njson.dumps = lambda *a, **k: 'evil'\nreturn 1"), probe: plain('return json.dumps([1])'), expected: '[1]' },
  { name: 'poisoning sys.modules', attack: plain("import sys, types\nsys.modules['math'] = types.SimpleNamespace(pi=3)\nreturn 1"), probe: plain('import math\nreturn math.pi > 3.14'), expected: true },
  { name: 'files in /tmp', attack: plain("open('/tmp/shared', 'w').write('evil')\nreturn 1"), probe: plain("return __import__('os').path.exists('/tmp/shared')"), expected: false },
  { name: 'environment variables', attack: plain("import os\nos.environ['HTTP_PROXY'] = 'http://evil'\nreturn 1"), probe: plain("import os\nreturn os.environ.get('HTTP_PROXY')"), expected: null },
  { name: 'recursion limit lowered', attack: plain('import sys\nsys.setrecursionlimit(60)\nreturn 1'), probe: plain('def f(n):\n    return 0 if n == 0 else 1 + f(n - 1)\nreturn f(200)'), expected: 200 },
  { name: 'stdout flood', attack: plain("while True:\n    print('x' * 10000)"), timeoutMs: 800, probe: plain("print('clean')\nreturn 1"), expected: 1 },
];

describe('adversarial: interference under concurrent calls, drafts against the live child', () => {
  it('every attack at once, in a draft of the victim server and in another server, leaves every live call correct', async () => {
    const attacks = cases.flatMap((c) => [
      t.sandbox.run({ server: 'victim', domain: DRAFT, tool: 'a', code: c.attack, args: { victim: victimPid }, policy: ESCAPED_POLICY, timeoutMs: c.timeoutMs ?? 5000 }),
      t.sandbox.run({ server: 'attacker', domain: { kind: 'live' }, tool: 'a', code: c.attack, args: { victim: victimPid }, policy: ESCAPED_POLICY, timeoutMs: c.timeoutMs ?? 5000 }),
    ]);
    const during = await Promise.all(cases.map((c) =>
      t.sandbox.run({ server: 'victim', domain: { kind: 'live' }, tool: 'p', code: c.probe, args: {}, policy: PROBE_POLICY })));
    await Promise.all(attacks);
    const after = await Promise.all(cases.map((c) =>
      t.sandbox.run({ server: 'victim', domain: { kind: 'live' }, tool: 'p', code: c.probe, args: {}, policy: PROBE_POLICY })));
    for (const [i, c] of cases.entries()) {
      expect({ case: c.name, error: during[i]!.error, result: during[i]!.result }).toEqual({ case: c.name, error: undefined, result: c.expected });
      expect({ case: c.name, error: after[i]!.error, result: after[i]!.result }).toEqual({ case: c.name, error: undefined, result: c.expected });
      expect(during[i]!.stdout).not.toContain('x'.repeat(100));
    }
    expect(t.sandbox.livePids()['victim']).toBe(victimPid);
    expect(processAlive(victimPid)).toBe(true);
  }, 240_000);
});
