// Table-driven attack runner. Each case is a tool an attacker could write and the concrete outcome we
// require: a verdict pattern (the tool's result, or "<ErrorType>: <message>" when it failed) and, for
// every case, that the same server's next call still works. One sandbox per test file keeps the suite
// fast; cases that kill workers or children pay for their own recovery.

import { afterAll, expect, it } from 'vitest';
import type { RunPolicy, RunResult } from '../../src/contract.ts';
import type { SandboxOptions } from '../../src/pool/options.ts';
import { DEFAULT_POLICY, ESCAPED_POLICY, testSandbox, type TestSandbox } from '../test-sandbox.ts';

export interface AttackCase {
  name: string;
  code: string;
  /** 'escaped' = every module allowed: tests the process boundary, not the allowlist. Default 'escaped'. */
  policy?: 'escaped' | 'default' | RunPolicy;
  timeoutMs?: number;
  secrets?: Record<string, string>;
  args?: Record<string, unknown>;
  /** Matched against the verdict: JSON of the result, or `Type: message` of the error. */
  outcome: RegExp;
  /** Extra assertions on the raw result. */
  check?: (r: RunResult) => void;
}

export function verdict(r: RunResult): string {
  return r.error ? `${r.error.type}: ${r.error.message}` : JSON.stringify(r.result);
}

export function attackSuite(server: string, cases: AttackCase[], options: Partial<SandboxOptions> = {}): TestSandbox {
  const t = testSandbox({ graceMs: 300, ...options });
  afterAll(() => t.close());
  it.each(cases)('$name', async (c) => {
    const policy = c.policy === 'default' ? DEFAULT_POLICY : c.policy === 'escaped' || c.policy === undefined ? ESCAPED_POLICY : c.policy;
    const r = await t.sandbox.run({
      domain: { kind: 'live' }, server, tool: 'attack', code: c.code, args: c.args ?? {}, policy, timeoutMs: c.timeoutMs ?? 5000, secrets: c.secrets,
    });
    expect(verdict(r)).toMatch(c.outcome);
    c.check?.(r);
    const next = await t.sandbox.run({ domain: { kind: 'live' }, server, tool: 'next', code: 'async def main():\n    return "alive"\n', args: {}, policy: DEFAULT_POLICY });
    expect(next.result).toBe('alive');
  });
  return t;
}

/** A tool that runs `attack` and returns what it got, or `blocked: <Type>: <message>`. */
export function attempt(attack: string, header = ''): string {
  const body = attack.trim().split('\n').map((l) => `        ${l}`).join('\n');
  return `${header}\nasync def main():\n    try:\n${body}\n    except BaseException as e:\n        return 'blocked: ' + type(e).__name__ + ': ' + str(e)[:300]\n`;
}

/** `async def main()` with `body`, no try/except: the error itself is the verdict. */
export function plain(body: string, params = ''): string {
  return `async def main(${params}):\n${body.trim().split('\n').map((l) => `    ${l}`).join('\n')}\n`;
}
