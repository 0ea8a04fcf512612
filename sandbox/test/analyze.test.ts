// analyze(): the input schema, description and imports derived from a tool's source by Python's own
// parser, in the dedicated analysis child.

import { afterAll, describe, expect, it } from 'vitest';
import { testSandbox } from './test-sandbox.ts';

const t = testSandbox();
afterAll(() => t.close());

const schemaCases: Array<{ name: string; signature: string; property: Record<string, unknown>; required: boolean }> = [
  { name: 'str', signature: 'x: str', property: { type: 'string' }, required: true },
  { name: 'int', signature: 'x: int', property: { type: 'integer' }, required: true },
  { name: 'float', signature: 'x: float', property: { type: 'number' }, required: true },
  { name: 'bool', signature: 'x: bool', property: { type: 'boolean' }, required: true },
  { name: 'list[T]', signature: 'x: list[str]', property: { type: 'array', items: { type: 'string' } }, required: true },
  { name: 'dict[str, T]', signature: 'x: dict[str, int]', property: { type: 'object', additionalProperties: { type: 'integer' } }, required: true },
  { name: 'Optional[T]', signature: 'x: Optional[int]', property: { type: ['integer', 'null'] }, required: true },
  { name: 'T | None with default', signature: 'x: str | None = None', property: { type: ['string', 'null'], default: null }, required: false },
  { name: 'default', signature: 'days: int = 3', property: { type: 'integer', default: 3 }, required: false },
  { name: 'Literal', signature: "unit: Literal['c', 'f'] = 'c'", property: { enum: ['c', 'f'], type: 'string', default: 'c' }, required: false },
  { name: 'unannotated', signature: 'x', property: {}, required: true },
  { name: 'Any', signature: 'x: Any', property: {}, required: true },
  { name: 'string annotation', signature: "x: 'list[int]'", property: { type: 'array', items: { type: 'integer' } }, required: true },
  { name: 'non-literal default', signature: 'x: int = len("ab")', property: { type: 'integer' }, required: false },
  { name: 'keyword-only', signature: '*, limit: int = 10', property: { type: 'integer', default: 10 }, required: false },
];

describe('analyze: input schema from main()', () => {
  it.each(schemaCases)('$name', async ({ signature, property, required }) => {
    const code = `from typing import Optional, Literal, Any\nasync def main(${signature}):\n    return 1\n`;
    const a = await t.sandbox.analyze(code);
    expect(a.valid).toBe(true);
    const props = a.input_schema['properties'] as Record<string, unknown>;
    const name = Object.keys(props)[0]!;
    expect(props[name]).toEqual(property);
    expect(((a.input_schema['required'] as string[] | undefined) ?? []).includes(name)).toBe(required);
  });

  it('takes the description from main, else the module docstring', async () => {
    const fromMain = await t.sandbox.analyze('"""Module."""\nasync def main():\n    """Weather for a city."""\n    return 1\n');
    expect(fromMain.description).toBe('Weather for a city.');
    const fromModule = await t.sandbox.analyze('"""Module doc."""\nasync def main():\n    return 1\n');
    expect(fromModule.description).toBe('Module doc.');
  });

  it('lists imports sorted and unique, with dotted names', async () => {
    const a = await t.sandbox.analyze('import json, re\nimport json\nfrom urllib.parse import quote\nasync def main():\n    import math\n    return 1\n');
    expect(a.imports).toEqual(['json', 'math', 're', 'urllib.parse']);
  });
});

describe('analyze: errors say what is wrong and where', () => {
  const errorCases = [
    { name: 'sync main', code: 'def main():\n    return 1\n', message: /must be async/, line: 1 },
    { name: 'no main', code: 'x = 1\n', message: /no `async def main/, line: 1 },
    { name: 'main nested in a class', code: 'class A:\n    async def main(self):\n        return 1\n', message: /no `async def main/, line: 1 },
    { name: 'syntax error with position', code: 'async def main():\n    return (1\n', message: /syntax error/, line: 2 },
    { name: '*args', code: 'async def main(*args):\n    return 1\n', message: /\*args/, line: 1 },
  ];
  it.each(errorCases)('$name', async ({ code, message, line }) => {
    const a = await t.sandbox.analyze(code);
    expect(a.valid).toBe(false);
    expect(a.errors[0]!.message).toMatch(message);
    expect(a.errors[0]!.line).toBe(line);
    expect(a.errors[0]!.col).toBeGreaterThanOrEqual(1);
  });

  it('refuses oversize source without sending it to the child', async () => {
    const a = await t.sandbox.analyze('#'.repeat(300_000));
    expect(a.valid).toBe(false);
    expect(a.errors[0]!.message).toMatch(/longer than/);
  });
});

describe('analyzeMany', () => {
  it('analyzes a large batch in order, across chunks', async () => {
    const codes = Array.from({ length: 450 }, (_, i) => (i % 3 === 2 ? 'def main(): pass' : `async def main(x${i}: int):\n    return ${i}\n`));
    const out = await t.sandbox.analyzeMany(codes);
    expect(out).toHaveLength(450);
    expect(Object.keys(out[0]!.input_schema['properties'] as object)).toEqual(['x0']);
    expect(Object.keys(out[448]!.input_schema['properties'] as object)).toEqual(['x448']);
    expect(out[2]!.valid).toBe(false);
    expect(out.filter((a) => a.valid)).toHaveLength(300);
  });
});
