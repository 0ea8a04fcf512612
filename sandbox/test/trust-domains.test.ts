// The pool's trust domains and hard caps, through the public `run`: a draft test never runs in the
// live child of its server, drafts of different branches or servers never share a child, a draft
// request carrying secrets is refused, and no cap is ever overshot — beyond it the call is "busy".
import { afterAll, describe, expect, it } from 'vitest';
import type { RunDomain } from '../src/contract.ts';
import { DRAFT_CALLS_PER_CHILD } from '../src/limits.ts';
import { SandboxBusyError, SandboxInputError, type SandboxPool } from '../src/pool/sandbox-pool.ts';
import { DEFAULT_POLICY, ESCAPED_POLICY, processAlive, testSandbox, tool } from './test-sandbox.ts';

const LIVE: RunDomain = { kind: 'live' };
const draft = (branch: string, head?: string): RunDomain => (head === undefined ? { kind: 'draft', branch } : { kind: 'draft', branch, head });
const HEAD_1 = '1'.repeat(40);
const HEAD_2 = '2'.repeat(40);

function runIn(sandbox: SandboxPool, server: string, domain: RunDomain, code: string, secrets?: Record<string, string>, policy = DEFAULT_POLICY) {
  return sandbox.run({ server, domain, tool: 't', code, args: {}, policy, ...(secrets === undefined ? {} : { secrets }) });
}

/** Children serving calls (the analysis and warm children are outside the caps). */
function servingChildren(sandbox: SandboxPool): string[] {
  return Object.keys(sandbox.livePids()).filter((k) => !k.startsWith('('));
}

describe('trust domains', () => {
  const t = testSandbox({ spareWorker: false });
  afterAll(() => t.close());

  it('a draft test runs in its own child, never in the live child; branches and servers never share one', async () => {
    await runIn(t.sandbox, 'weather', LIVE, tool('return 1'));
    await runIn(t.sandbox, 'weather', draft('mcpbox/draft/weather'), tool('return 1'));
    await runIn(t.sandbox, 'weather', draft('main'), tool('return 1'));
    await runIn(t.sandbox, 'news', draft('mcpbox/draft/news'), tool('return 1'));
    const pids = t.sandbox.livePids();
    const keys = ['weather', 'weather@draft:mcpbox/draft/weather', 'weather@draft:main', 'news@draft:mcpbox/draft/news'];
    // The default draft cap (2) stopped the least recently used draft child to start the last one.
    expect(servingChildren(t.sandbox).sort()).toEqual(['news@draft:mcpbox/draft/news', 'weather', 'weather@draft:main']);
    const serving = keys.filter((k) => pids[k] !== undefined).map((k) => pids[k]);
    expect(new Set(serving).size).toBe(serving.length);
  });

  it('what a draft patches stays in its child: the live call of the same server sees the real modules', async () => {
    const patch = tool('import math, sys\nmath.pi = 3\nsys.modules["json"] = None\nreturn "patched"');
    // As if the draft had escaped the import allow-list (policy, not the wall): it may import anything.
    expect((await runIn(t.sandbox, 'weather', draft('mcpbox/draft/weather'), patch, undefined, ESCAPED_POLICY)).result).toBe('patched');
    const live = await runIn(t.sandbox, 'weather', LIVE, tool('import json, math\nreturn [json.dumps({"a": 1}), math.pi]'));
    expect(live.result).toEqual(['{"a": 1}', Math.PI]);
  });

  it('a draft request that carries secrets is refused, whatever the caller meant', async () => {
    const refused = runIn(t.sandbox, 'weather', draft('mcpbox/draft/weather'), tool('return 1'), { API_KEY: 'sk-live-123456' });
    await expect(refused).rejects.toBeInstanceOf(SandboxInputError);
    await expect(refused).rejects.toMatchObject({
      code: 'sandbox_bad_input',
      message: 'invalid run request (secrets: a draft request runs unreviewed code and never receives secret values; send it without secrets (only live calls carry them)); fix these fields and call again',
    });
    // An empty mapping carries nothing and is accepted.
    expect((await runIn(t.sandbox, 'weather', draft('mcpbox/draft/weather'), tool('return 2'), {})).result).toBe(2);
  });

  it('a request without a domain is refused, naming the field', async () => {
    const request = { server: 'weather', tool: 't', code: tool('return 1'), args: {}, policy: DEFAULT_POLICY };
    await expect(t.sandbox.run(request as unknown as Parameters<SandboxPool['run']>[0])).rejects.toMatchObject({
      code: 'sandbox_bad_input',
      message: "invalid run request (domain: expected { kind: 'live' } or { kind: 'draft', branch }); fix these fields and call again",
    });
  });

  it('a draft child is replaced when its branch head moves, and after a bounded number of tests', async () => {
    const branch = 'mcpbox/draft/recycle';
    await runIn(t.sandbox, 'recycle', draft(branch, HEAD_1), tool('import json\njson.marker = "kept"\nreturn 1'));
    const first = t.sandbox.livePids()[`recycle@draft:${branch}`]!;
    expect((await runIn(t.sandbox, 'recycle', draft(branch, HEAD_1), tool('import json\nreturn getattr(json, "marker", None)'))).result).toBeDefined();
    expect(t.sandbox.livePids()[`recycle@draft:${branch}`]).toBe(first);
    const moved = await runIn(t.sandbox, 'recycle', draft(branch, HEAD_2), tool('import json\nreturn getattr(json, "marker", None)'));
    expect(moved.result).toBeNull();
    const second = t.sandbox.livePids()[`recycle@draft:${branch}`]!;
    expect(second).not.toBe(first);
    expect(processAlive(first)).toBe(false);
    for (let i = 1; i < DRAFT_CALLS_PER_CHILD; i++) await runIn(t.sandbox, 'recycle', draft(branch, HEAD_2), tool('return 1'));
    expect(t.sandbox.livePids()[`recycle@draft:${branch}`]).toBe(second);
    await runIn(t.sandbox, 'recycle', draft(branch, HEAD_2), tool('return 1'));
    expect(t.sandbox.livePids()[`recycle@draft:${branch}`]).not.toBe(second);
  });

  it('stop(server) stops its live and its draft children', async () => {
    await runIn(t.sandbox, 'halt', LIVE, tool('return 1'));
    await runIn(t.sandbox, 'halt', draft('mcpbox/draft/halt'), tool('return 1'));
    const pids = [t.sandbox.livePids()['halt']!, t.sandbox.livePids()['halt@draft:mcpbox/draft/halt']!];
    await t.sandbox.stop('halt');
    expect(servingChildren(t.sandbox).filter((k) => k.startsWith('halt'))).toEqual([]);
    for (const pid of pids) expect(processAlive(pid)).toBe(false);
  });
});

describe('hard caps', () => {
  const BUSY = tool('import asyncio\nawait asyncio.sleep(3)\nreturn "slow"');

  it('at the draft cap with every draft child busy, the next draft gets "busy" and nothing is started', async () => {
    const s = testSandbox({ spareWorker: false, maxInstances: 3, maxDraftInstances: 1, busyWaitMs: 200 });
    try {
      const slow = runIn(s.sandbox, 'one', draft('mcpbox/draft/one'), BUSY);
      while (s.sandbox.livePids()['one@draft:mcpbox/draft/one'] === undefined) await new Promise((r) => setTimeout(r, 20));
      const refused = runIn(s.sandbox, 'two', draft('mcpbox/draft/two'), tool('return 2'));
      await expect(refused).rejects.toBeInstanceOf(SandboxBusyError);
      await expect(refused).rejects.toMatchObject({
        code: 'sandbox_busy', limit: 'draft_children', cap: 1,
        message: 'the sandbox is at its cap of 1 draft children (tests of unreviewed code) and every one is busy; try again shortly',
      });
      expect(servingChildren(s.sandbox)).toEqual(['one@draft:mcpbox/draft/one']);
      // Live calls are not held back by the draft cap.
      expect((await runIn(s.sandbox, 'one', LIVE, tool('return "live"'))).result).toBe('live');
      expect((await slow).result).toBe('slow');
      // Once the draft child is idle it is stopped to make room for the waiting kind.
      expect((await runIn(s.sandbox, 'two', draft('mcpbox/draft/two'), tool('return 2'))).result).toBe(2);
      expect(servingChildren(s.sandbox).sort()).toEqual(['one', 'two@draft:mcpbox/draft/two']);
    } finally {
      await s.close();
    }
  });

  it('at the total cap, concurrent calls of many servers never start one child more; the excess is "busy"', async () => {
    const cap = 2;
    const s = testSandbox({ spareWorker: false, maxInstances: cap, maxDraftInstances: 2, busyWaitMs: 300 });
    let most = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        most = Math.max(most, servingChildren(s.sandbox).length);
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    try {
      const calls = Array.from({ length: 6 }, (_, i) => runIn(s.sandbox, `srv${i}`, i % 2 === 0 ? LIVE : draft(`mcpbox/draft/srv${i}`), BUSY)
        .then((r) => ({ ok: r.result }), (e: unknown) => ({ refused: e })));
      const outcomes = await Promise.all(calls);
      const served = outcomes.filter((o) => 'ok' in o);
      const refused = outcomes.filter((o): o is { refused: unknown } => 'refused' in o);
      expect(served).toEqual([{ ok: 'slow' }, { ok: 'slow' }]);
      expect(refused).toHaveLength(4);
      for (const r of refused) {
        expect(r.refused).toBeInstanceOf(SandboxBusyError);
        expect(r.refused).toMatchObject({ code: 'sandbox_busy', limit: 'children', cap, message: 'the sandbox is at its cap of 2 children and every one is busy; try again shortly' });
      }
      expect(most).toBeLessThanOrEqual(cap);
      expect(most).toBe(cap);
    } finally {
      sampling = false;
      await sampler;
      await s.close();
    }
  });

  it('a call that finds the cap full waits for a child to become idle within the wait, then runs', async () => {
    const s = testSandbox({ spareWorker: false, maxInstances: 1, busyWaitMs: 20_000 });
    try {
      const first = runIn(s.sandbox, 'early', LIVE, tool('import asyncio\nawait asyncio.sleep(0.5)\nreturn "early"'));
      while (s.sandbox.livePids()['early'] === undefined) await new Promise((r) => setTimeout(r, 20));
      const late = runIn(s.sandbox, 'late', LIVE, tool('return "late"'));
      expect((await first).result).toBe('early');
      expect((await late).result).toBe('late');
      expect(servingChildren(s.sandbox)).toEqual(['late']);
    } finally {
      await s.close();
    }
  });
});
