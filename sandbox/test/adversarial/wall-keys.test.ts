// The wall hands out no keys. Tool code can reach the wall's namespace (its functions are the import
// guard, time.sleep, sys.stdout…), so what the wall holds must be harmless: never the runner's
// namespace (call state, the hygiene switch, the bridge factory), and nothing that lets work outlive
// the call. Each case is a route an attacker would take from tool code, and the exact outcome required.

import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { ESCAPED_POLICY, testSandbox } from '../test-sandbox.ts';
import { attempt, plain, verdict } from './harness.ts';

const t = testSandbox({ graceMs: 300 });
afterAll(() => t.close());

const SERVER = 'wallkeys';
const run = (code: string) =>
  t.sandbox.run({ server: SERVER, domain: { kind: 'live' }, tool: 'wall', code, args: {}, policy: ESCAPED_POLICY, timeoutMs: 5000 });
const recycles = (): string[] =>
  t.log.entries.filter((e) => e.msg === 'sandbox worker_recycled').map((e) => String((e.obj as { detail?: unknown }).detail));

describe('the wall hands out no keys: the runner\'s namespace is out of reach', () => {
  it('every task of a call, and every coroutine it awaits, runs in the wall or the tool, never the runner', async () => {
    const r = await run(attempt(
      "import asyncio\nnames = set()\nfor task in asyncio.all_tasks():\n    coro = task.get_coro()\n    while coro is not None and hasattr(coro, 'cr_frame'):\n" +
      "        if coro.cr_frame is not None:\n            names.add(coro.cr_frame.f_globals.get('__name__'))\n        coro = coro.cr_await\nreturn sorted(names, key=str)",
    ));
    expect(verdict(r)).toBe('["mcpbox_wall"]');
  });

  it("the callbacks waiting on the call's tasks lead to no runner function", async () => {
    const r = await run(attempt(
      "import asyncio\nfound = []\nfor task in asyncio.all_tasks():\n    for callback, _ in (task._callbacks or []):\n" +
      "        owner = getattr(callback, '__self__', None)\n        found.append(getattr(callback, '__globals__', {}).get('__name__'))\n" +
      "        if owner is not None and hasattr(owner, 'get_coro') and owner.get_coro().cr_frame is not None:\n" +
      "            found.append(owner.get_coro().cr_frame.f_globals.get('__name__'))\nreturn sorted({n for n in found if n is not None})",
    ));
    // Only the loop's own bookkeeping (WebLoop._decrement_in_progress).
    expect(verdict(r)).toBe('["pyodide.webloop"]');
  });

  it('a finalizer that runs at the end of the call has only the wall and the loop below it', async () => {
    const r = await run(
      'import sys\nclass Watch:\n    def __del__(self, getframe=sys._getframe):\n        frame, seen = getframe(), set()\n' +
      "        while frame is not None:\n            seen.add(str(frame.f_globals.get('__name__')))\n            frame = frame.f_back\n" +
      "        print(sorted(seen))\nwatch = Watch()\nasync def main():\n    return 'returned'\n",
    );
    expect(r.result).toBe('returned');
    // (None: the tool's globals, already cleared when the finalizer runs.)
    expect(r.stdout).toBe("['None', 'asyncio.events', 'mcpbox_wall', 'pyodide.webloop']\n");
  });

  it.each([
    ['gc.get_objects', 'import gc\nreturn len(gc.get_objects())'],
    ['gc.get_referrers', 'import gc\nreturn len(gc.get_referrers(len))'],
    ['gc.get_referents', 'import gc\nreturn len(gc.get_referents(main))'],
    ['sys._current_frames', 'import sys\nreturn len(sys._current_frames())'],
    ['sys.settrace', 'import sys\nsys.settrace(lambda *a: None)\nreturn "traced"'],
    ['sys.setprofile', 'import sys\nsys.setprofile(lambda *a: None)\nreturn "profiled"'],
    ['sys.monitoring.register_callback', 'import sys\nsys.monitoring.register_callback(2, sys.monitoring.events.PY_START, lambda *a: None)\nreturn "watching"'],
  ])('%s is refused (it hands out the runtime\'s objects or frames)', async (name, body) => {
    const r = await run(attempt(body));
    expect(verdict(r)).toBe(`"blocked: RuntimeError: ${name} is not available to tools: it hands out the runtime's own objects and frames"`);
  });

  it("the bridge transport a tool's http client holds cannot become JS code", async () => {
    const r = await run(attempt("return str(http._transport.constructor('return typeof process')())"));
    expect(verdict(r)).toBe('"blocked: JsException: EvalError: Code generation from strings disallowed for this context"');
  });

  it('the wall holds exactly the names reviewed as harmless', async () => {
    // Adding a name to the wall means deciding it is no key: the stock import functions and
    // sys.modules are the import policy of the call (which an allowed module's attributes also lead
    // to); the handle set and the raw schedulers cannot make work outlive the call (see below); the
    // trusted set is frozen; everything else is a constant, a class or a function of the wall itself.
    const r = await run(plain('return sorted(__import__.__globals__)'));
    expect(r.result).toEqual([
      'CallStream', 'CappedOutput', 'ERROR_MESSAGE_LIMIT', 'ERROR_TYPE_LIMIT', 'MAX_SAFE_INTEGER', 'OUTPUT_LIMIT', 'PolicyError',
      'RESULT_LIMIT', 'ResultError', 'TOOL_FILENAME', 'TRACEBACK_LIMIT', 'TRUNCATION_MARKER', 'ToolContractError', '_CancelledError',
      '_Decimal', '_MappingProxyType', '_TextIOBase', '__builtins__', '__import__', '__name__', '_all_tasks', '_b64encode', '_builtins',
      '_c_encoder', '_caller_frame', '_cancel', '_check_import', '_current_task', '_dataclasses', '_datetime', '_done', '_gc_collect',
      '_getframe', '_iscoroutinefunction', '_isfinite', '_json', '_message_of', '_module_allowed', '_modules', '_monotonic',
      '_original_sleep', '_real_call_later', '_real_import', '_real_import_module', '_real_schedule_callback', '_refusal', '_self',
      '_sleep0', '_tool_frames', '_traceback_of', '_trusted_frame', '_trusted_namespace_ids', '_type_name', '_type_name_of',
      'allowed_modules', 'bury', 'call_later', 'describe_error', 'execute', 'graveyard', 'import_module', 'live_handles', 'output',
      'schedule_callback', 'server_name', 'settle', 'sleep', 'to_json_value',
    ]);
  });

  it('the set of trusted namespaces cannot be added to, and rebinding it replaces the interpreter', async () => {
    t.log.entries.length = 0;
    const add = await run(attempt("__import__.__globals__['_trusted_namespace_ids'].add(id(globals()))\nreturn 'added'"));
    expect(verdict(add)).toBe('"blocked: AttributeError: \'frozenset\' object has no attribute \'add\'"');
    expect(recycles()).toEqual([]);
    const rebind = await run(plain("__import__.__globals__['_trusted_namespace_ids'] = frozenset([id(globals())])\nreturn 'rebound'"));
    expect(rebind.result).toBe('rebound');
    expect(recycles()).toEqual(['the call left state behind: a module attribute (or the builtins, or the event loop) was changed']);
  });
});

// Call 2 of every case below waits long enough for anything call 1 scheduled, then reports the marker.
const PROBE = plain("import asyncio, os\nawait asyncio.sleep(0.6)\nreturn os.path.exists('/tmp/wall-marker')");
const LATE = "def late(*_):\n    open('/tmp/wall-marker', 'w').write('ran')\n";

describe('the wall hands out no keys: nothing reached through it outlives the call', () => {
  beforeEach(() => {
    t.log.entries.length = 0;
  });

  it.each([
    ['the unwrapped WebLoop.call_later, taken from the wall', "import asyncio\n__import__.__globals__['_real_call_later'](asyncio.get_event_loop(), 0.3, late)"],
    ['a loop callback hidden from the wall\'s handle set', "import asyncio\nasyncio.get_event_loop().call_later(0.3, late)\n__import__.__globals__['live_handles'].clear()"],
    ['the raw JS scheduleCallback, taken from the wall', "from pyodide.ffi import create_once_callable\n__import__.__globals__['_real_schedule_callback'](create_once_callable(late), 300)"],
    ['a done-callback on every task of the call (they finish after the tool returns)', "import asyncio\nfor task in asyncio.all_tasks():\n    task.add_done_callback(late)"],
  ])('%s: never runs in the next call', async (_name, attack) => {
    const first = await run(`${LATE}async def main():\n${attack.split('\n').map((l) => `    ${l}`).join('\n')}\n    return 'scheduled'\n`);
    expect(verdict(first)).toBe('"scheduled"');
    const second = await run(PROBE);
    expect(verdict(second)).toBe('false');
  });
});
