// Hostile sources given to analyze(): it only parses, but the parser is fed untrusted text, so each
// case must come back as an ordinary (in)valid analysis, and the analysis child must keep answering.

import { afterAll, describe, expect, it } from 'vitest';
import { testSandbox } from '../test-sandbox.ts';

const t = testSandbox();
afterAll(() => t.close());

// noVerdict: the analyzer itself dies on it (the V8 thread stack), which the analysis says by kind.
const cases: Array<{ name: string; code: string; valid: boolean; message?: RegExp; noVerdict?: true }> = [
  { name: 'deeply nested parentheses', code: '(' .repeat(100_000) + ')'.repeat(100_000), valid: false, message: /syntax error|too deeply|cannot be parsed/ },
  { name: 'a very long expression chain', code: 'x = ' + '1+'.repeat(50_000) + '1\nasync def main():\n    return 1\n', valid: false, message: /exhausted the parser|too deeply|cannot be parsed/, noVerdict: true },
  { name: 'deeply nested lists', code: 'x = ' + '['.repeat(5000) + ']'.repeat(5000) + '\nasync def main():\n    return 1\n', valid: false, message: /syntax error|too deeply|cannot be parsed/ },
  { name: 'NUL bytes in the source', code: 'async def main():\n    return 1\x00\n', valid: false, message: /syntax error|cannot be parsed/ },
  { name: 'lone surrogate', code: 'async def main():\n    return "\ud800"\n', valid: false, message: /cannot be parsed: UnicodeEncodeError/ },
  { name: 'main defined twice: the last one counts', code: 'async def main(a: int):\n    return 1\ndef main(b):\n    return 2\n', valid: false, message: /must be async/ },
  { name: 'code that would loop forever is not executed', code: 'while True:\n    pass\nasync def main():\n    return 1\n', valid: true },
  { name: 'code that would exit is not executed', code: 'import os\nos._exit(1)\nasync def main():\n    return 1\n', valid: true },
  { name: 'a default that would run code is not evaluated', code: 'async def main(x=__import__("os").system("id")):\n    return 1\n', valid: true },
  { name: 'annotation strings are parsed, never evaluated', code: 'async def main(x: "__import__(\'os\').system(\'id\')"):\n    return 1\n', valid: true },
];

describe('adversarial: hostile sources to analyze()', () => {
  it.each(cases)('$name', async ({ code, valid, message, noVerdict }) => {
    const a = await t.sandbox.analyze(code);
    expect(a.valid).toBe(valid);
    if (message) expect(a.errors[0]?.message).toMatch(message);
    if (noVerdict) expect(a.failure).toEqual({ kind: 'analyzer_crashed', detail: expect.stringMatching(/\S/) });
    else expect(a.failure).toBeUndefined();
    const next = await t.sandbox.analyze('async def main(q: str):\n    return q\n');
    expect(next.input_schema).toEqual({ type: 'object', properties: { q: { type: 'string' } }, required: ['q'] });
  });

  it('one hostile source in a batch fails alone; its neighbours are analyzed', async () => {
    const good = 'async def main(a: int):\n    return a\n';
    const out = await t.sandbox.analyzeMany([good, 'x = ' + '1+'.repeat(50_000) + '1\n', good]);
    expect(out.map((a) => a.valid)).toEqual([true, false, true]);
  });

  it('the default-value expression of a hostile signature is left out of the schema', async () => {
    const a = await t.sandbox.analyze('async def main(x=__import__("os").system("id")):\n    return 1\n');
    expect(a.input_schema).toEqual({ type: 'object', properties: { x: {} } });
  });
});
