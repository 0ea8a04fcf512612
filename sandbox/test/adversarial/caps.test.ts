// Caps that answer clearly: oversized or malformed values a tool produces get their own error (never a
// SandboxCrash, a false timeout or a hang), and the same server's next call works (the harness checks).

import { describe, expect } from 'vitest';
import { attackSuite, attempt, plain, type AttackCase } from './harness.ts';

const DEEP = /^RecursionError: the tool nested data or calls too deeply for the sandbox \(printing, comparing, encoding or freeing containers nested more than a few thousand levels\); the Python runtime was restarted\. Keep nesting shallower\.$/;

const SECRET = 'k9Zq'; // 4 characters: each occurrence grows to the 10 of [REDACTED]

const cases: AttackCase[] = [
  {
    name: 'an exception class name over 200 characters',
    code: plain("E = type('E' * 300, (Exception,), {})\nraise E('boom')"),
    outcome: /^E{170}… \[300 characters\]: boom$/,
  },
  {
    name: 'an exception whose __str__ raises',
    code: plain('class E(Exception):\n    def __str__(self):\n        raise RuntimeError("no")\nraise E()'),
    outcome: /^E: \(the exception could not be shown: its __str__ raised RuntimeError\)$/,
  },
  {
    name: 'an exception whose class __name__ is a raising property on its metaclass',
    code: plain('class Meta(type):\n    @property\n    def __name__(cls):\n        raise RuntimeError("no")\nclass E(Exception, metaclass=Meta):\n    pass\nraise E("shown")'),
    outcome: /^E: shown$/,
  },
  {
    name: 'redaction that lengthens an error message past its cap',
    code: plain(`raise ValueError('${SECRET}' * 5000)`),
    secrets: { token: SECRET },
    outcome: /^ValueError: (\[REDACTED\]){100}/,
    check: (r) => {
      expect(r.error!.message).toHaveLength(20_000);
      expect(r.error!.message.endsWith('… [cut at 20000 characters]')).toBe(true);
    },
  },
  {
    name: 'redaction that lengthens printed output past its cap',
    code: plain(`print('${SECRET}' * 249_000)\nreturn 'printed'`),
    secrets: { token: SECRET },
    outcome: /^"printed"$/,
    check: (r) => {
      expect(r.stdout).toHaveLength(1_000_200);
      expect(r.stdout.endsWith('… [cut at 1000200 characters]')).toBe(true);
    },
  },
  {
    name: 'an HTTP request body over the bridge cap',
    code: attempt("await http.post('https://example.com/', content='x' * (4 * 1024 * 1024 + 1))\nreturn 'sent'"),
    outcome: /^"blocked: HttpError: the request body is 4194305 characters once encoded; the network bridge accepts at most 4194304 \(4 MiB\) per request. Send less data per request."$/,
  },
  {
    name: 'an HTTP request body of 7 MiB',
    code: attempt("await http.post('https://example.com/', content=b'\\xff' * (7 * 1024 * 1024))\nreturn 'sent'"),
    outcome: /^"blocked: HttpError: the request body is 9786712 characters once encoded; the network bridge accepts at most 4194304 \(4 MiB\)/,
  },
  {
    name: 'Python recursion stops with a catchable RecursionError',
    code: attempt('def f(n):\n    return f(n + 1)\nreturn f(0)'),
    outcome: /^"blocked: RecursionError: maximum recursion depth exceeded/,
  },
  {
    name: 'freeing data nested 2,000 deep',
    code: plain("x = []\nfor _ in range(2000):\n    x = [x]\ndel x\nreturn 'freed'"),
    outcome: /^"freed"$/,
  },
  // Deeper than the thread's stack holds: CPython's own guard watches emscripten's stack, which outlasts
  // the thread's, so the interpreter cannot raise RecursionError in time; the caller is told so plainly.
  ...([
    ['freeing', 'del x'], ['repr', 'repr(x)'], ['comparing', 'x == [x]'], ['json.dumps', 'json.dumps(x)'], ['returning', 'return x'],
  ] as const).map(([what, line]): AttackCase => ({
    name: `${what} data nested 50,000 deep`,
    code: plain(`import json\nx = []\nfor _ in range(50000):\n    x = [x]\n${line}\nreturn 'survived'`),
    outcome: DEEP,
  })),
  {
    name: 'json.loads of text nested 50,000 deep',
    code: plain("import json\nreturn json.loads('[' * 50000 + ']' * 50000)"),
    outcome: DEEP,
  },
];

describe('adversarial: caps that answer clearly', () => {
  attackSuite('caps', cases, { graceMs: 300 });
});
