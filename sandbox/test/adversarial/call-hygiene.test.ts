// A call leaves nothing behind: work a call schedules (loop callbacks, tasks that ignore cancellation,
// finalizers, weakref callbacks) and shared state it patches (modules, builtins, classes, C-level
// settings, the environment, /tmp) never reach the next call of the same server. Each case runs an
// attack as call 1 and a probe as call 2 on one live child, and asserts what call 2 saw, that the
// interpreter was recycled between them (with the reason the runner found), and — for the cases that
// try the network — that the bridge never received the late request.

import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunPolicy } from '../../src/contract.ts';
import type { HttpRequest, HttpResponse } from '../../src/network/types.ts';
import type { HttpBridgeLike } from '../../src/pool/options.ts';
import { ESCAPED_POLICY, testSandbox } from '../test-sandbox.ts';
import { plain, verdict } from './harness.ts';

const bridgeCalls: Array<{ server: string; grants: RunPolicy['grants']; req: HttpRequest }> = [];
const bridge: HttpBridgeLike = {
  async request(server, grants, req): Promise<HttpResponse> {
    bridgeCalls.push({ server, grants, req });
    return { status: 200, headers: {}, body: 'ok', bodyEncoding: 'utf8', url: req.url };
  },
};

const t = testSandbox({ graceMs: 300, httpBridge: bridge });
afterAll(() => t.close());

const SERVER = 'hygiene';
const GRANTS_OF_CALL_2: RunPolicy['grants'] = [{ host: 'late.example', methods: ['GET'], justification: 'the probe may' }] as unknown as RunPolicy['grants'];
const run = (code: string, grants: RunPolicy['grants'] = []) =>
  t.sandbox.run({ server: SERVER, domain: { kind: 'live' }, tool: 'hygiene', code, args: {}, policy: { allowedModules: [...ESCAPED_POLICY.allowedModules, 'warnings', 'json'], grants }, timeoutMs: 5000 });
const recycles = (): string[] =>
  t.log.entries.filter((e) => e.msg === 'sandbox worker_recycled').map((e) => String((e.obj as { detail?: unknown }).detail));

/** Call 2 of every case: waits long enough for anything call 1 scheduled, then reports the marker file. */
const PROBE = plain("import asyncio, os\nawait asyncio.sleep(0.6)\nreturn os.path.exists('/tmp/late-marker')");
const MARK = "open('/tmp/late-marker', 'w').write('ran')";

interface LeftoverCase {
  name: string;
  attack: string;
  /** The reason the runner gives for recycling. */
  reason: RegExp;
}

const leftovers: LeftoverCase[] = [
  {
    name: 'loop.call_later',
    attack: plain(`import asyncio\ndef late():\n    ${MARK}\nasyncio.get_event_loop().call_later(0.3, late)\nreturn 'scheduled'`),
    reason: /1 loop callback\(s\) the call scheduled had not run when it returned/,
  },
  {
    name: 'loop.call_at',
    attack: plain(`import asyncio\nloop = asyncio.get_event_loop()\ndef late():\n    ${MARK}\nloop.call_at(loop.time() + 0.3, late)\nreturn 'scheduled'`),
    reason: /loop callback\(s\) the call scheduled had not run/,
  },
  {
    name: 'loop.call_soon (runs before the call ends, with its output discarded)',
    attack: plain(`import asyncio\ndef late():\n    ${MARK}\nasyncio.get_event_loop().call_soon(late)\nreturn 'scheduled'`),
    reason: /a file was opened for writing/,
  },
  {
    name: 'a task that swallows CancelledError',
    attack: plain(`import asyncio\nasync def stubborn():\n    while True:\n        try:\n            await asyncio.sleep(0.1)\n        except BaseException:\n            pass\n        ${MARK}\nasyncio.ensure_future(stubborn())\nreturn 'scheduled'`),
    reason: /1 task\(s\) the call started kept running after being cancelled/,
  },
  {
    name: '__del__ on a reference cycle',
    attack: plain(`class Late:\n    def __del__(self):\n        ${MARK}\na = Late()\na.me = a\ndel a\nreturn 'scheduled'`),
    reason: /a file was opened for writing/,
  },
  {
    name: 'a weakref callback on a cycle',
    attack: plain(`import weakref\nclass Node:\n    pass\nn = Node()\nn.me = n\ndef late():\n    ${MARK}\nweakref.finalize(n, late)\ndel n\nreturn 'scheduled'`),
    reason: /a file was opened for writing/,
  },
  {
    name: 'a finalizer that makes new garbage every time it runs',
    attack: plain(`class Again:\n    def __del__(self):\n        b = Again()\n        b.me = b\na = Again()\na.me = a\ndel a\nreturn 'scheduled'`),
    reason: /a finalizer or weakref callback created new garbage/,
  },
  {
    name: 'a JS timer through pyodide.webloop.scheduleCallback is refused',
    attack: plain(`from pyodide import webloop\ntry:\n    webloop.scheduleCallback(lambda: None, 100)\nexcept RuntimeError as e:\n    return 'refused: ' + str(e)\nreturn 'scheduled'`),
    reason: /^$/,
  },
];

describe('call hygiene: work a call leaves behind never runs in the next call', () => {
  beforeEach(() => {
    t.log.entries.length = 0;
  });

  it.each(leftovers)('$name', async (c) => {
    const first = await run(c.attack);
    expect(first.error).toBeUndefined();
    const second = await run(PROBE);
    expect(verdict(second)).toBe('false');
    if (c.reason.source === '^$') {
      expect(first.result).toBe('refused: scheduleCallback is not available to tools; use asyncio (loop.call_later)');
      expect(recycles()).toEqual([]);
    } else {
      expect(recycles()).toHaveLength(1);
      expect(recycles()[0]).toMatch(/^the call left state behind: /);
      expect(recycles()[0]).toMatch(c.reason);
    }
  });

  it('a late http.get from a leftover never reaches the bridge, under any call\'s grants', async () => {
    bridgeCalls.length = 0;
    const first = await run(plain(
      "import asyncio\n" +
      "async def late():\n    while True:\n        try:\n            await http.get('https://late.example/from-call-1')\n        except BaseException:\n            pass\n        await asyncio.sleep(0.05)\n" +
      "def start():\n    asyncio.ensure_future(late())\n" +
      "asyncio.get_event_loop().call_later(0.2, start)\nasyncio.ensure_future(late())\nawait asyncio.sleep(0)\nreturn 'scheduled'",
    ));
    expect(first.result).toBe('scheduled');
    const during = bridgeCalls.length; // the call's own first request, made while it was running
    const second = await run(plain("import asyncio\nawait asyncio.sleep(0.8)\nreturn 'second'"), GRANTS_OF_CALL_2);
    expect(second.result).toBe('second');
    expect(bridgeCalls.slice(during)).toEqual([]);
    expect(recycles().some((r) => /kept running after being cancelled/.test(r))).toBe(true);
  });

  it("the stdlib's own lazy import (Counter.most_common fills collections.heapq) does not recycle, call after call", async () => {
    t.log.entries.length = 0;
    for (let i = 0; i < 3; i++) {
      const r = await run(plain("from collections import Counter\nreturn Counter('aab').most_common(1)"));
      expect(r.result).toEqual([['a', 2]]);
    }
    expect(recycles()).toEqual([]);
  });

  it('a clean call does not recycle the interpreter', async () => {
    const r = await run(plain("import asyncio, json\nawait asyncio.wait_for(asyncio.sleep(0.01), 1)\nprint('x')\nreturn json.dumps([1])"));
    expect(r.result).toBe('[1]');
    expect(recycles()).toEqual([]);
  });
});

interface StateCase {
  name: string;
  attack: string;
  probe: string;
  expected: unknown;
  reason: RegExp;
}

const state: StateCase[] = [
  { name: 'a module attribute (json.dumps)', attack: plain("import json\njson.dumps = lambda *a, **k: 'evil'"), probe: plain('return json.dumps([1])'), expected: '[1]', reason: /a module attribute/ },
  { name: 'a builtin (len)', attack: plain('import builtins\nbuiltins.len = lambda x: 999'), probe: plain("return len('abc')"), expected: 3, reason: /a module attribute/ },
  { name: 'a class attribute (json.JSONEncoder.encode)', attack: plain("import json\njson.JSONEncoder.encode = lambda self, o: 'evil'"), probe: plain('return json.JSONEncoder().encode([1])'), expected: '[1]', reason: /a class attribute was changed/ },
  { name: 'the http client class', attack: plain("type(http).get = lambda self, *a, **k: 'evil'"), probe: plain("return str(type(http).get)[:9]"), expected: '<function', reason: /a class attribute was changed/ },
  { name: 'sys.modules', attack: plain("import sys, types\nsys.modules['math'] = types.SimpleNamespace(pi=3)"), probe: plain('import math\nreturn math.pi > 3.14'), expected: true, reason: /sys.modules changed/ },
  { name: 'the recursion limit', attack: plain('import sys\nsys.setrecursionlimit(60)'), probe: plain('import sys\nreturn sys.getrecursionlimit()'), expected: 1000, reason: /recursion limit/ },
  { name: 'os.environ', attack: plain("import os\nos.environ['HTTP_PROXY'] = 'http://evil'"), probe: plain("import os\nreturn os.environ.get('HTTP_PROXY')"), expected: null, reason: /the environment was changed/ },
  { name: 'a file in /tmp', attack: plain("open('/tmp/shared', 'w').write('evil')"), probe: plain("import os\nreturn os.path.exists('/tmp/shared')"), expected: false, reason: /a file was opened for writing/ },
  { name: 'the working directory', attack: plain("import os\nos.chdir('/tmp')"), probe: plain('import os\nreturn os.getcwd()'), expected: '/home/pyodide', reason: /the working directory was changed/ },
  { name: 'warnings.filters', attack: plain("import warnings\nwarnings.simplefilter('error')"), probe: plain('import warnings\nreturn len(warnings.filters)'), expected: 'same as a fresh instance', reason: /module attribute|warnings.filters/ },
  { name: 'a module global that was None, set to a non-module', attack: plain("import collections\ncollections.heapq = 'evil'"), probe: plain("import collections\nreturn collections.heapq"), expected: null, reason: /a module attribute/ },
  { name: 'a module global that was None, set to a module of another name', attack: plain("import collections, json\ncollections.heapq = json"), probe: plain("import collections\nreturn collections.heapq"), expected: null, reason: /a module attribute/ },
  { name: 'gc.freeze', attack: plain('import gc\ngc.freeze()'), probe: plain("return 'probe'"), expected: 'probe', reason: /gc.freeze changed/ },
  { name: 'gc.unfreeze', attack: plain('import gc\ngc.unfreeze()'), probe: plain('import gc\nreturn gc.get_freeze_count() > 0'), expected: true, reason: /gc.freeze changed/ },
  { name: 'sys.addaudithook is refused', attack: plain("import sys\nseen = []\ntry:\n    sys.addaudithook(lambda e, a: seen.append(e))\nexcept RuntimeError as e:\n    return str(e)\nsys.audit('probe')\nreturn seen"), probe: plain("import sys\nsys.audit('probe')\nreturn 'quiet'"), expected: 'quiet', reason: /sys.addaudithook was called/ },
];

describe('call hygiene: shared state a call patched is not there in the next call', () => {
  let freshFilters = 0;
  it('(a fresh instance, for comparison)', async () => {
    const r = await run(plain('import warnings\nreturn len(warnings.filters)'));
    freshFilters = r.result as number;
    expect(freshFilters).toBeGreaterThan(0);
  });

  it.each(state)('$name', async (c) => {
    t.log.entries.length = 0;
    const first = await run(c.attack);
    expect(first.error).toBeUndefined();
    if (c.name.startsWith('sys.addaudithook')) expect(first.result).toEqual([]);
    const second = await run(c.probe);
    expect(second.error).toBeUndefined();
    expect(second.result).toEqual(c.expected === 'same as a fresh instance' ? freshFilters : c.expected);
    expect(recycles()).toHaveLength(1);
    expect(recycles()[0]).toMatch(c.reason);
  });
});
