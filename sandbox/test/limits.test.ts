// Limits: time (soft interrupt, hard worker kill, wedged child), memory (cap and recycling), crashes,
// isolation between servers, idle stop, the live-instance cap, and that close() leaves nothing behind.

import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_TIMEOUT_MS, MAX_TIMEOUT_MS } from '../src/limits.ts';
import { SandboxInputError } from '../src/index.ts';
import { processAlive, SHARED_CACHE_DIR, testSandbox, tool, ESCAPED_POLICY } from './test-sandbox.ts';

const t = testSandbox({ graceMs: 300, recycleBytes: 96 * 1024 * 1024, heapCapBytes: 256 * 1024 * 1024 });
afterAll(() => t.close());

describe('time limits', () => {
  const cases = [
    { name: 'Python loop: soft interrupt', body: 'while True:\n    pass', message: /interrupted/ },
    { name: 'asyncio sleep: cancelled', body: 'import asyncio\nawait asyncio.sleep(60)\nreturn 1', message: /cancelled|interrupted/ },
    { name: 'time.sleep: sliced, interruptible', body: 'import time\ntime.sleep(60)\nreturn 1', message: /interrupted/ },
    { name: 'regex backtracking: interrupted', body: "import re\nreturn bool(re.match(r'(a+)+$', 'a' * 40 + 'b'))", message: /interrupted/ },
    { name: 'C loop: worker terminated after the grace', body: 'return sum(range(10**13))', message: /did not stop when interrupted/ },
    { name: 'swallowing KeyboardInterrupt: worker terminated', body: 'while True:\n    try:\n        while True:\n            pass\n    except BaseException:\n        pass', message: /did not stop when interrupted|interrupted/ },
  ];
  it.each(cases)('$name, and the next call works in the same child', async ({ body, message }) => {
    const pidBefore = t.sandbox.livePids()['timing'];
    const r = await t.run('timing', tool(body), { timeoutMs: 300 });
    expect(r.error?.type).toBe('TimeoutError');
    expect(r.error?.message).toMatch(message);
    expect((await t.run('timing', tool('return 42'))).result).toBe(42);
    if (pidBefore !== undefined) expect(t.sandbox.livePids()['timing']).toBe(pidBefore); // the child survived
  });

  it('clamps the timeout to 300 s and defaults to 30 s (a fast call is unaffected)', async () => {
    const clamped = await t.run('timing', tool('return 1'), { timeoutMs: 1_000_000_000 });
    expect(clamped).toMatchObject({ result: 1, timeout_ms: MAX_TIMEOUT_MS });
    expect(MAX_TIMEOUT_MS).toBe(300_000);
    const defaulted = await t.run('timing', tool('return 2'));
    expect(defaulted).toMatchObject({ result: 2, timeout_ms: DEFAULT_TIMEOUT_MS });
    expect(DEFAULT_TIMEOUT_MS).toBe(30_000);
    expect((await t.run('timing', tool('return 3'), { timeoutMs: 1234 })).timeout_ms).toBe(1234);
  });

  it('SIGKILLs and replaces a child whose control thread stops answering', async () => {
    await t.sandbox.start('wedged');
    const pid = t.sandbox.livePids()['wedged']!;
    const pending = t.run('wedged', tool('return 1'), { timeoutMs: 200 });
    process.kill(pid, 'SIGSTOP'); // the whole child freezes: only the parent's deadline can act
    const r = await pending;
    expect(r.error?.type).toBe('SandboxCrash');
    expect(processAlive(pid)).toBe(false);
    expect((await t.run('wedged', tool('return 2'))).result).toBe(2);
    expect(t.sandbox.livePids()['wedged']).not.toBe(pid);
  }, 30_000);
});

describe('tasks a call leaves behind', () => {
  it('are cancelled when the call ends', async () => {
    const start = "import asyncio, json\njson.ticks = 0\nasync def tick():\n    while True:\n        json.ticks += 1\n        await asyncio.sleep(0.01)\nasyncio.ensure_future(tick())\nawait asyncio.sleep(0.05)\nreturn json.ticks > 0";
    expect((await t.run('tasks', tool(start))).result).toBe(true);
    // The leftover task is cancelled and, because the call also changed a module, the interpreter
    // is replaced: neither the task nor its counter reaches the next call.
    const read = tool("import asyncio, json\nfirst = getattr(json, 'ticks', None)\nawait asyncio.sleep(0.1)\nreturn [first, getattr(json, 'ticks', None)]");
    expect((await t.run('tasks', read)).result).toEqual([null, null]);
  });
});

describe('memory', () => {
  it('a memory bomb gets MemoryError and the instance keeps working', async () => {
    const r = await t.run('memory', tool("x = 'a' * (10**9)\nreturn len(x)"));
    expect(r.error?.type).toBe('MemoryError');
    expect(r.error?.message).toMatch(/256 MiB/);
    expect((await t.run('memory', tool('return 3'))).result).toBe(3);
  });

  it('recycles an instance whose heap grew past the threshold', async () => {
    const before = t.log.entries.filter((e) => e.msg === 'sandbox worker_recycled').length;
    const r = await t.run('memory', tool("x = bytearray(120 * 1024 * 1024)\nreturn len(x)"));
    expect(r.result).toBe(120 * 1024 * 1024);
    expect(t.log.entries.filter((e) => e.msg === 'sandbox worker_recycled').length).toBe(before + 1);
    expect((await t.run('memory', tool('return 4'))).result).toBe(4);
  });
});

describe('memory: the cap of each call (memoryMb, from mcpbox.yaml defaults.memory_mb)', () => {
  const grab48 = tool('x = bytearray(48 * 1024 * 1024)\nreturn len(x)');

  it('a tool over its cap gets MemoryError naming the cap; the same tool under a larger cap does not', async () => {
    const over = await t.run('capped', grab48, { memoryMb: 64 });
    expect(over.error?.type).toBe('MemoryError');
    expect(over.error?.message).toMatch(/^the tool ran out of memory \(its limit is 64 MiB: defaults\.memory_mb in mcpbox\.yaml\)/);
    expect((await t.run('capped', grab48, { memoryMb: 128 })).result).toBe(48 * 1024 * 1024);
  });

  it('a heap an earlier call grew under a larger cap is not handed to a call with a smaller one', async () => {
    // The heap keeps the size this call grew it to (wasm memory never shrinks), below this suite's recycle threshold.
    expect((await t.run('shrink', tool('x = bytearray(40 * 1024 * 1024)\nreturn len(x)'), { memoryMb: 512 })).result).toBe(40 * 1024 * 1024);
    const capped = await t.run('shrink', grab48, { memoryMb: 64 });
    expect(capped.error?.type).toBe('MemoryError');
    const recycled = t.log.entries.map((e) => e.obj as { server?: string; detail?: string })
      .filter((o, i) => t.log.entries[i]!.msg === 'sandbox worker_recycled' && o.server === 'shrink').map((o) => o.detail);
    expect(recycled).toContainEqual(expect.stringMatching(/^heap of \d+ MiB is above the next call's cap of 64 MiB$/));
    expect((await t.run('shrink', tool('return 5'), { memoryMb: 64 })).result).toBe(5);
  });

  it('a cap outside 64–2048 MiB is refused, naming the field', async () => {
    const refusal = await t.run('capped', tool('return 1'), { memoryMb: 32 }).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(SandboxInputError);
    expect((refusal as Error).message).toMatch(/^invalid run request \(memoryMb: Too small: expected number to be >=64\)/);
  });
});

describe('crashes are contained', () => {
  const cases = [
    { name: 'os._exit', body: 'import os\nos._exit(3)' },
    { name: 'os.abort', body: 'import os\nos.abort()' },
    { name: 'SIGTERM to itself', body: 'import signal\nsignal.raise_signal(signal.SIGTERM)' },
  ];
  it.each(cases)('$name → SandboxCrash, then the next call works', async ({ body }) => {
    const r = await t.run('crash', tool(body), { policy: ESCAPED_POLICY });
    expect(r.result).toBeNull();
    expect(r.error?.type).toMatch(/SandboxCrash|SystemExit/);
    expect((await t.run('crash', tool('return 5'))).result).toBe(5);
  });

  it('the wasm heap is out of reach: pyodide_js._module is emptied before tool code runs', async () => {
    const body = 'import pyodide_js\nh = pyodide_js._module.HEAPU8\nfor i in range(0, 4_000_000, 3):\n    h[i] = 255';
    const r = await t.run('crash', tool(body), { policy: ESCAPED_POLICY });
    expect(r.result).toBeNull();
    expect(r.error?.type).toBe('AttributeError');
    expect(r.error?.message).toBe("'NoneType' object has no attribute 'HEAPU8'");
    expect((await t.run('crash', tool('return 5'))).result).toBe(5);
  });
});

describe('servers do not affect each other', () => {
  it('a server stuck in a C loop does not delay another server', async () => {
    await Promise.all([t.sandbox.start('busy'), t.sandbox.start('calm')]);
    const order: string[] = [];
    const busy = t.run('busy', tool('return sum(range(10**13))'), { timeoutMs: 3000 }).then((r) => { order.push('busy'); return r; });
    const calm: unknown[] = [];
    for (let i = 0; i < 20; i++) calm.push((await t.run('calm', tool(`return ${i}`))).result);
    order.push('calm');
    expect(calm).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect((await busy).error?.type).toBe('TimeoutError');
    expect(order).toEqual(['calm', 'busy']);
  });

  it('a crash or kill in one server leaves the other server\'s process alone', async () => {
    await t.sandbox.start('calm');
    const calmPid = t.sandbox.livePids()['calm']!;
    await t.sandbox.start('victim');
    process.kill(t.sandbox.livePids()['victim']!, 'SIGKILL');
    await t.run('victim', tool('import os\nos._exit(1)'), { policy: ESCAPED_POLICY });
    expect(t.sandbox.livePids()['calm']).toBe(calmPid);
    expect((await t.run('calm', tool('return "ok"'))).result).toBe('ok');
  });

  it('interpreter state changed by one server is invisible to another', async () => {
    await t.run('left', tool("import builtins, os\nbuiltins.len = lambda x: 999\nos.environ['MARK'] = 'left'\nopen('/tmp/mark', 'w').write('left')\nreturn 1"), { policy: ESCAPED_POLICY });
    const r = await t.run('right', tool("import os\nreturn [len('ab'), os.environ.get('MARK'), os.path.exists('/tmp/mark')]"), { policy: ESCAPED_POLICY });
    expect(r.result).toEqual([2, null, false]);
  });
});

describe('pool lifecycle', () => {
  it('stops idle servers', async () => {
    const s = testSandbox({ idleMs: 300, spareWorker: false });
    try {
      await s.run('idle', tool('return 1'));
      const pid = s.sandbox.livePids()['idle']!;
      await new Promise((r) => setTimeout(r, 1500));
      expect(s.sandbox.livePids()['idle']).toBeUndefined();
      expect(processAlive(pid)).toBe(false);
    } finally {
      await s.close();
    }
  });

  it('caps live instances, stopping the least recently used', async () => {
    const s = testSandbox({ maxInstances: 2, spareWorker: false });
    try {
      await s.run('a', tool('return 1'));
      await s.run('b', tool('return 1'));
      await s.run('a', tool('return 1')); // b is now the least recently used
      await s.run('c', tool('return 1'));
      expect(Object.keys(s.sandbox.livePids()).filter((k) => !k.startsWith('(')).sort()).toEqual(['a', 'c']);
    } finally {
      await s.close();
    }
  });

  it('a new server adopts the pre-started child, and a fresh one is pre-started for the next', async () => {
    const s = testSandbox({ spareWorker: false });
    try {
      await s.run('first', tool('return 1'));
      let warmPid: number | undefined;
      for (let i = 0; i < 200 && warmPid === undefined; i++) {
        await new Promise((r) => setTimeout(r, 50));
        warmPid = s.sandbox.livePids()['(warm)'];
      }
      expect(warmPid).toBeTypeOf('number');
      await new Promise((r) => setTimeout(r, 1500)); // let it finish booting
      expect((await s.run('second', tool('return 2'))).result).toBe(2);
      expect(s.sandbox.livePids()['second']).toBe(warmPid);
      expect(s.sandbox.livePids()['(warm)']).not.toBe(warmPid);
    } finally {
      await s.close();
    }
  });

  it('prestart boots a child before any server has one; the first server adopts it, and one still booting is waited for', async () => {
    const s = testSandbox();
    try {
      await s.sandbox.prestart();
      const warmPid = s.sandbox.livePids()['(warm)'];
      expect(warmPid).toBeTypeOf('number');
      expect((await s.run('early', tool('return 1'))).result).toBe(1);
      expect(s.sandbox.livePids()['early']).toBe(warmPid);
      // The next warm child is on its way (300 ms after an adoption); a server starting while it
      // boots gets it rather than a second spawn beside it.
      let next: number | undefined;
      for (let i = 0; i < 200 && next === undefined; i++) {
        await new Promise((r) => setTimeout(r, 10));
        next = s.sandbox.livePids()['(warm)'];
      }
      expect(next).toBeTypeOf('number');
      expect((await s.run('later', tool('return 2'))).result).toBe(2);
      expect(s.sandbox.livePids()['later']).toBe(next);
    } finally {
      await s.close();
    }
  });

  it('children exit by themselves when their parent dies without close()', async () => {
    const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'exit-without-close.ts');
    const out = execFileSync(process.execPath, [script, t.dataDir, SHARED_CACHE_DIR], { encoding: 'utf8' });
    const pids = JSON.parse(out.trim().split('\n').pop()!) as number[];
    expect(pids.length).toBe(1);
    for (let i = 0; i < 100 && pids.some(processAlive); i++) await new Promise((r) => setTimeout(r, 100));
    for (const pid of pids) expect(processAlive(pid)).toBe(false);
  });

  it('close() leaves no child process behind', async () => {
    const s = testSandbox({ spareWorker: false });
    await s.run('x', tool('return 1'));
    await s.sandbox.analyze('async def main():\n    return 1\n');
    await new Promise((r) => setTimeout(r, 400)); // the pre-started child is on its way
    const pids = Object.values(s.sandbox.livePids());
    expect(pids.length).toBeGreaterThanOrEqual(2);
    await s.close();
    for (const pid of pids) expect(processAlive(pid)).toBe(false);
    await expect(s.sandbox.run({ domain: { kind: 'live' }, server: 'x', tool: 't', code: 'x', args: {}, policy: { allowedModules: [], grants: [] } }))
      .rejects.toMatchObject({ code: 'sandbox_closed' });
  });
});
