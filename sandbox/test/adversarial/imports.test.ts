// Import-allowlist bypasses under the default policy. The allowlist is policy, not the boundary, so
// this is best effort: direct routes must be refused with the request hint; routes that reach a module
// through another module's attributes are listed too, and must still end harmless (the boundary holds).

import { describe } from 'vitest';
import { attackSuite, attempt, plain, type AttackCase } from './harness.ts';

const REFUSED = (m: string) => new RegExp(`PolicyError: module '${m.replace('.', '\\.')}' is not allowed for this server; ask for it with mcpbox_request_module`);

const direct: AttackCase[] = [
  ...['os', 'sys', 'subprocess', 'socket', 'ctypes', 'js', 'pyodide', 'pyodide_js', '_pyodide', 'gc', 'importlib', 'builtins', 'inspect', 'urllib.request', 'pickle', 'marshal']
    .map((m): AttackCase => ({ name: `import ${m}`, code: plain(`import ${m}\nreturn 'imported'`), policy: 'default', outcome: REFUSED(m) })),
  { name: 'from os import system', code: plain("from os import system\nreturn 'imported'"), policy: 'default', outcome: REFUSED('os') },
  { name: 'from urllib import request', code: plain("from urllib import request\nreturn 'imported'"), policy: 'default', outcome: REFUSED('urllib') },
  { name: '__import__("os")', code: plain("return str(__import__('os'))"), policy: 'default', outcome: REFUSED('os') },
  { name: '__import__ with forged globals', code: plain("return str(__import__('js', {'__name__': 'json'}))"), policy: 'default', outcome: REFUSED('js') },
  { name: '__builtins__.__import__', code: plain("return str(__builtins__.__import__('os'))"), policy: 'default', outcome: REFUSED('os') },
  { name: 'exec of an import', code: plain("exec('import os')"), policy: 'default', outcome: REFUSED('os') },
  { name: 'eval of __import__', code: plain("return str(eval('__import__(\"sys\")'))"), policy: 'default', outcome: REFUSED('sys') },
  { name: 'compile with a stdlib filename', code: plain("exec(compile('import os', '/lib/python3.14/json/__init__.py', 'exec'))"), policy: 'default', outcome: REFUSED('os') },
  { name: 'exec in json\'s own namespace', code: plain("import json as j\nexec('import os', dict(j.__dict__))"), policy: 'default', outcome: REFUSED('os') },
  { name: 'relative import', code: plain("from . import x\nreturn 1"), policy: 'default', outcome: /PolicyError|ImportError/ },
  { name: 'import inside a nested function', code: plain("def f():\n    import ctypes\n    return ctypes\nreturn str(f())"), policy: 'default', outcome: REFUSED('ctypes') },
  { name: 'import inside a lambda default', code: plain("f = lambda m=__import__('gc'): m\nreturn str(f())"), policy: 'default', outcome: REFUSED('gc') },
  { name: 'allowed: urllib.parse and from urllib import parse', code: plain("import urllib.parse\nfrom urllib import parse\nreturn parse.quote('a b')"), policy: 'default', outcome: /^"a%20b"$/ },
  { name: 'allowed: submodule of an allowed module', code: plain("import json.decoder\nreturn 'ok'"), policy: 'default', outcome: /^"ok"$/ },
];

// Modules reachable through attributes of allowed ones: not refused by the allowlist, contained below it.
const sideDoors: AttackCase[] = [
  { name: 'os via asyncio.base_events.os: system() is still -1', code: attempt("import asyncio\nreturn asyncio.base_events.os.system('id')"), policy: 'default', outcome: /^-1$|blocked: AttributeError/ },
  { name: 'sys via typing.sys: sys.modules lookup of js is empty', code: attempt("import typing\njs = typing.sys.modules.get('js')\nreturn str(getattr(js, 'process', 'no process'))"), policy: 'default', outcome: /no process|blocked: / },
  { name: 'builtins via len.__self__: open is the in-memory FS', code: attempt("b = len.__self__\nreturn b.open('/etc/passwd').read()"), policy: 'default', outcome: /FileNotFoundError/ },
  { name: 'a module loader imports os past the policy: system() is still -1', code: attempt("import json\nos = json.__spec__.loader.load_module('os')\nreturn os.system('id')"), policy: 'default', outcome: /^-1$|blocked: / },
  { name: 'generator frame f_back to runner builtins', code: attempt("def g():\n    yield 1\nit = g()\nnext(it)\nreturn str(type(it.gi_frame.f_back))"), policy: 'default', outcome: /NoneType|blocked/ },
  { name: 'string.Formatter field access to globals', code: attempt("import string\nreturn string.Formatter().get_field('0.__class__', [1], {})[0].__name__"), policy: 'default', outcome: /^"int"$/ },
];

describe('adversarial: import allowlist bypasses (direct routes are refused)', () => {
  attackSuite('imports', direct);
});

describe('adversarial: side doors past the allowlist end at the boundary', () => {
  attackSuite('sidedoors', sideDoors);
});
