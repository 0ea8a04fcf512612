// Resource exhaustion and code generation. Each attack ends in a clear error within its limit, and the
// same server answers the next call (the harness checks that after every case).

import { describe } from 'vitest';
import { attackSuite, attempt, plain, type AttackCase } from './harness.ts';

const exhaustion: AttackCase[] = [
  { name: 'Python infinite loop', code: plain('while True:\n    pass'), timeoutMs: 300, outcome: /^TimeoutError: .*interrupted/ },
  { name: 'loop at module level (before main)', code: 'while True:\n    pass\nasync def main():\n    return 1\n', timeoutMs: 300, outcome: /^TimeoutError/ },
  { name: 'C loop sum(range(10**13))', code: plain('return sum(range(10**13))'), timeoutMs: 300, outcome: /^TimeoutError: .*did not stop when interrupted/ },
  { name: 'bigint power', code: plain('return 7 ** (10 ** 8)'), timeoutMs: 300, outcome: /^TimeoutError/ },
  { name: 'catastrophic regex', code: plain("import re\nreturn bool(re.match(r'(a|aa)+$', 'a' * 60 + 'b'))"), timeoutMs: 300, outcome: /^TimeoutError/ },
  { name: 'sleep far past the limit', code: plain('import time\ntime.sleep(100)'), timeoutMs: 300, outcome: /^TimeoutError/ },
  { name: 'await forever', code: plain('import asyncio\nawait asyncio.Event().wait()'), timeoutMs: 300, outcome: /^TimeoutError/ },
  { name: 'swallow CancelledError and loop', code: plain('import asyncio\nwhile True:\n    try:\n        await asyncio.sleep(10)\n    except BaseException:\n        pass'), timeoutMs: 300, outcome: /^TimeoutError/ },
  { name: 'string memory bomb', code: plain("x = 'a' * (10 ** 9)"), outcome: /^MemoryError: the tool ran out of memory/ },
  { name: 'list memory bomb', code: plain('x = [0] * (10 ** 9)'), outcome: /^MemoryError/ },
  { name: 'incremental growth until the cap', code: plain("x = []\nwhile True:\n    x.append(bytearray(10**7))"), timeoutMs: 10_000, outcome: /^MemoryError/ },
  { name: 'bytearray past the wasm address space', code: plain('x = bytearray(2**33)'), outcome: /^(MemoryError|OverflowError)/ },
  { name: 'deep recursion', code: plain('def f(n):\n    return f(n + 1)\nreturn f(0)'), outcome: /^RecursionError/ },
  { name: 'recursion limit raised to a million', code: plain('import sys\nsys.setrecursionlimit(10**6)\ndef f(n):\n    return f(n + 1)\nreturn f(0)'), timeoutMs: 3000, outcome: /^(RecursionError|MemoryError|SandboxCrash|TimeoutError)/ },
  { name: 'stdout flood is truncated and the call returns', code: plain("for _ in range(10**5):\n    print('y' * 100)\nreturn 'done'"), outcome: /^"done"$/ },
  { name: 'endless stdout flood ends at the time limit', code: plain("while True:\n    print('z' * 1000)"), timeoutMs: 500, outcome: /^TimeoutError/ },
  { name: 'huge result refused', code: plain("return 'x' * 5_000_000"), outcome: /^ResultError: the result is \d+ characters/ },
  { name: 'deeply nested result refused', code: plain('x = []\nfor _ in range(500):\n    x = [x]\nreturn x'), outcome: /^ResultError: .*nested/ },
  { name: 'a million-element result refused', code: plain('return list(range(10**6))'), outcome: /^ResultError/ },
  { name: 'huge exception message is capped', code: plain("raise ValueError('e' * 10**6)"), outcome: /^ValueError: e{100}/ },
  { name: 'a million tasks', code: plain('import asyncio\nasync def f():\n    await asyncio.sleep(100)\nts = [asyncio.ensure_future(f()) for _ in range(10**6)]\nawait asyncio.sleep(100)'), timeoutMs: 1500, outcome: /^(TimeoutError|MemoryError)/ },
  { name: 'background task keeps printing after the call', code: plain("import asyncio\nasync def spam():\n    while True:\n        print('late')\n        await asyncio.sleep(0.001)\nasyncio.ensure_future(spam())\nreturn 'returned'"), outcome: /^"returned"$/ },
  { name: 'a result that only outgrows the IPC frame once escaped', code: plain("print('\\x00' * 900_000)\nreturn '\\x01' * 150_000"), outcome: /^ResultError: the result and printed output together are too large/ },
  { name: 'a str subclass result with a hostile __str__', code: plain("class S:\n    def __str__(self):\n        while True:\n            pass\nreturn S()"), timeoutMs: 300, outcome: /^TimeoutError/ },
];

const codeGeneration: AttackCase[] = [
  { name: 'eval of JS through run_js', code: attempt("from pyodide.code import run_js\nreturn run_js('1 + 1')"), outcome: /blocked: / },
  { name: 'Function via a JsProxy constructor chain', code: attempt("import pyodide_js\nreturn str(pyodide_js.constructor.constructor('return this')())"), outcome: /EvalError: Code generation from strings disallowed/ },
  { name: 'eval via a JS function value', code: attempt("import pyodide_js\nreturn str(pyodide_js.FS.mkdir.constructor('return 1')())"), outcome: /EvalError/ },
  { name: 'global eval is not reachable', code: attempt("import js\nreturn js.eval('1 + 1')"), outcome: /blocked: AttributeError/ },
  { name: 'Python exec/eval stay inside Python and the allowlist', code: plain("exec('import os')"), policy: 'default', outcome: /^PolicyError: module 'os' is not allowed/ },
];

describe('adversarial: resource exhaustion', () => {
  attackSuite('exhaustion', exhaustion, { heapCapBytes: 256 * 1024 * 1024 });
});

describe('adversarial: code generation', () => {
  attackSuite('codegen', codeGeneration);
});
