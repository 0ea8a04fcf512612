// Escapes through Pyodide's JavaScript bridge, attempted with every module allowed (as if the import
// allowlist had been bypassed): each must end in an error or a harmless value, never in host access.

import { describe } from 'vitest';
import { attackSuite, attempt, type AttackCase } from './harness.ts';

const cases: AttackCase[] = [
  { name: 'js is an empty global object: no process', code: attempt('import js\nreturn str(js.process)'), outcome: /^"blocked: AttributeError: process/ },
  { name: 'js has no fetch', code: attempt('import js\nreturn str(js.fetch)'), outcome: /^"blocked: AttributeError/ },
  { name: 'js has no Function constructor', code: attempt("import js\nreturn str(js.Function('return 1'))"), outcome: /^"blocked: AttributeError/ },
  { name: 'js has no WebAssembly', code: attempt('import js\nreturn str(js.WebAssembly)'), outcome: /^"blocked: AttributeError/ },
  { name: 'js has no require / globalThis', code: attempt('import js\nreturn str(js.globalThis.process)'), outcome: /^"blocked: AttributeError/ },
  { name: 'pyodide_js.mountNodeFS removed', code: attempt("import pyodide_js\npyodide_js.mountNodeFS('/host', '/etc')\nreturn 'mounted'"), outcome: /^"blocked: (TypeError|AttributeError)/ },
  { name: 'pyodide_js.runPython removed', code: attempt("import pyodide_js\nreturn pyodide_js.runPython('1')"), outcome: /^"blocked: TypeError/ },
  { name: 'pyodide_js.runPythonAsync removed', code: attempt("import pyodide_js\nreturn await pyodide_js.runPythonAsync('1')"), outcome: /^"blocked: TypeError/ },
  { name: 'pyodide_js.loadPackage removed', code: attempt("import pyodide_js\nawait pyodide_js.loadPackage('micropip')\nreturn 'loaded'"), outcome: /^"blocked: TypeError/ },
  { name: 'pyodide_js.registerJsModule removed', code: attempt("import pyodide_js\npyodide_js.registerJsModule('x', {})\nreturn 'registered'"), outcome: /^"blocked: TypeError/ },
  { name: 'pyodide_js.setInterruptBuffer removed (cannot disarm timeouts)', code: attempt('import pyodide_js\npyodide_js.setInterruptBuffer(None)\nreturn "disarmed"'), outcome: /^"blocked: TypeError/ },
  { name: 'pyodide_js.unpackArchive removed', code: attempt("import pyodide_js\npyodide_js.unpackArchive(b'', 'zip')\nreturn 'unpacked'"), outcome: /^"blocked: TypeError/ },
  { name: 'NODEFS deleted from the FS', code: attempt('import pyodide_js\nreturn str(pyodide_js.FS.filesystems.NODEFS)'), outcome: /^"blocked: AttributeError: NODEFS/ },
  { name: 'FS.mount with NODEFS impossible', code: attempt("import pyodide_js\nFS = pyodide_js.FS\nFS.mkdir('/h')\nFS.mount(FS.filesystems.NODEFS, {'root': '/etc'}, '/h')\nreturn 'mounted'"), outcome: /^"blocked: AttributeError/ },
  // _api and _module are gone from Python's reach (the runtime's JS keeps its own references).
  { name: '_api.loadBinaryFile is gone', code: attempt("import pyodide_js\nreturn str(await pyodide_js._api.loadBinaryFile('/etc/passwd'))"), outcome: /^"blocked: AttributeError: loadBinaryFile"$/ },
  { name: '_api keeps only config', code: attempt("import pyodide_js\nreturn [hasattr(pyodide_js._api, n) for n in ('loadDynlib', 'scheduleCallback', 'packageManager', 'config')]"), outcome: /^\[false,false,false,true\]$/ },
  { name: '_module (the Emscripten module) is gone', code: attempt("import pyodide_js\nm = pyodide_js._module\nreturn m.__emscripten_system(m.stringToNewUTF8('touch /tmp/mcpbox-pwned'))"), outcome: /^"blocked: AttributeError: 'NoneType' object has no attribute '__emscripten_system'"$/ },
  { name: 'Function constructor via a JsProxy: code generation disallowed', code: attempt("import pyodide_js\nreturn str(pyodide_js.FS.constructor.constructor('return process')())"), outcome: /EvalError: Code generation from strings disallowed/ },
  { name: 'to_js and create_proxy are removed', code: attempt("from pyodide.ffi import to_js\nreturn 'imported'"), outcome: /^"blocked: ImportError: cannot import name 'to_js' from 'pyodide.ffi'/ },
  { name: 'Function constructor via the http transport (a JS function)', code: attempt("return str(http._transport.constructor('return 1')())"), outcome: /EvalError: Code generation from strings disallowed/ },
  { name: 'run_js', code: attempt("from pyodide.code import run_js\nreturn run_js('process.pid')"), outcome: /^"blocked: (ImportError|JsException|EvalError)/ },
  { name: 'the JsFinder reaches only the neutered API', code: attempt("import sys\nf = [o for o in sys.meta_path if type(o).__name__ == 'JsFinder'][0]\napi = f.jsproxies['pyodide_js']\nreturn str(api.mountNodeFS) + ' ' + str(api.runPython) + ' ' + str(api._module)"), outcome: /^"None None None"$/ },
  { name: '__import__ with forged globals gets js, which is empty', code: attempt("js = __import__('js', {'__name__': 'x'})\nreturn str(js.process)"), outcome: /^"blocked: AttributeError/ },
  { name: 'the API object has no process or getBuiltinModule', code: attempt("import pyodide_js\nreturn [hasattr(pyodide_js, 'process'), hasattr(pyodide_js, 'getBuiltinModule'), hasattr(pyodide_js._api, 'process')]"), outcome: /^\[false,false,false\]$/ },
  { name: 'loadDynamicLibrary of a crafted .so', code: attempt("open('/tmp/evil.so', 'wb').write(b'\\x00asm\\x01\\x00\\x00\\x00')\nimport pyodide_js\nawait pyodide_js._module.loadDynamicLibrary('/tmp/evil.so')\nreturn 'loaded'"), outcome: /^"blocked: /, },
  { name: 'ctypes dlopen of a crafted .so', code: attempt("open('/tmp/evil2.so', 'wb').write(b'\\x00asm\\x01\\x00\\x00\\x00')\nimport ctypes\nctypes.CDLL('/tmp/evil2.so')\nreturn 'loaded'"), outcome: /^"blocked: (OSError|JsException|ZipImportError)/ },
  { name: 'pyodide.ffi.run_sync cannot reach JS globals', code: attempt("from pyodide.ffi import run_sync\nimport js\nreturn str(run_sync(js.fetch('http://127.0.0.1/')))"), outcome: /^"blocked: /, },
];

describe('adversarial: JavaScript bridge escapes', () => {
  attackSuite('jsbridge', cases);
});
