// Forged IPC: what an escaped child could write on its channel. A real process (fixtures/evil-child.ts)
// speaks the real framed protocol to the real parent-side handle; every forged message must be refused
// and counted, never acted on, and the honest answer must still get through.

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunPolicy } from '../../src/contract.ts';
import { MAX_IPC_MESSAGE_BYTES } from '../../src/limits.ts';
import type { HttpRequest } from '../../src/network/types.ts';
import type { HttpBridgeLike } from '../../src/pool/options.ts';
import { SandboxChild, UNASSIGNED_SERVER } from '../../src/pool/sandbox-child.ts';
import { collectingLog } from '../test-sandbox.ts';

const evil = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'evil-child.ts');
const bridgeCalls: Array<{ server: string; grants: RunPolicy['grants']; req: HttpRequest }> = [];
const bridge: HttpBridgeLike = {
  async request(server, grants, req) {
    bridgeCalls.push({ server, grants, req });
    return { status: 200, headers: {}, body: 'ok', bodyEncoding: 'utf8', url: req.url };
  },
};

let child: SandboxChild | undefined;
afterEach(async () => {
  await child?.stop();
  child = undefined;
});

async function evilChild(scenario: string, server = 'evil') {
  const log = collectingLog();
  child = new SandboxChild({
    server, log, bridge, maxMessageBytes: MAX_IPC_MESSAGE_BYTES,
    line: { command: process.execPath, args: [evil, scenario], netns: false, cwd: path.dirname(evil) },
  });
  await child.ready;
  return { child, log };
}

const grants = [{ host: 'api.example.com' }];
const call = (c: SandboxChild) => c.run({ tool: 't', code: 'x', args: {}, secrets: {}, allowedModules: [], grants, timeoutMs: 5000, graceMs: 300, heapCapBytes: 256 * 1048576 });

const refusedThenHonest = [
  'unknown_type', 'wrong_call_id', 'extra_key', 'not_json', 'http_for_other_call', 'http_extra_op', 'fs_op',
  'analysis_for_run', 'stdout_over_cap', 'unknown_event', 'string_call_id', 'negative_call_id', 'long_error_type',
  'array_message', 'prototype_pollution',
];

describe('adversarial: forged IPC from a compromised child', () => {
  it.each(refusedThenHonest)('%s is refused and logged; the honest result still arrives', async (scenario) => {
    bridgeCalls.length = 0;
    const { child: c, log } = await evilChild(scenario);
    const r = await call(c);
    expect(r.result).toBe('real');
    expect(c.refusedMessages).toBeGreaterThanOrEqual(1);
    expect(log.entries.some((e) => e.level === 'warn' && e.msg === 'refused a message from a sandbox child')).toBe(true);
    expect(bridgeCalls).toHaveLength(0);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('a flood of 5000 forged results is refused one by one without flooding the log; the call is answered honestly', async () => {
    const { child: c, log } = await evilChild('flood');
    const r = await call(c);
    expect(r.result).toBe('real');
    expect(c.refusedMessages).toBe(5000);
    expect(log.entries.filter((e) => e.msg === 'refused a message from a sandbox child').length).toBe(25);
  });

  it('an oversize frame is refused before parsing and the child is killed', async () => {
    const { child: c } = await evilChild('oversize');
    const r = await call(c);
    expect(r.error?.type).toBe('SandboxCrash');
    expect(c.alive).toBe(false);
  });

  it('an HTTP request for the call in flight goes to the bridge with this call\'s grants only (control case)', async () => {
    bridgeCalls.length = 0;
    const { child: c } = await evilChild('legit_http');
    const r = await call(c);
    expect(r.result).toEqual({ httpAnswered: true });
    expect(bridgeCalls).toEqual([{ server: 'evil', grants, req: { method: 'GET', url: 'https://api.example.com/ok', headers: {} } }]);
  });

  it('an HTTP request during analysis is refused', async () => {
    bridgeCalls.length = 0;
    const { child: c } = await evilChild('honest');
    const out = await c.analyze(['async def main(): pass'], 5000);
    expect(out).toHaveLength(1);
    expect(c.refusedMessages).toBe(1);
    expect(bridgeCalls).toHaveLength(0);
  });

  it('a pre-started child is adopted by one server and can never be handed to another', async () => {
    const { child: c } = await evilChild('honest', UNASSIGNED_SERVER);
    c.adopt('first');
    expect((await call(c)).result).toBe('real');
    expect(() => c.adopt('second')).toThrow(/one server for its whole life/);
    expect(c.server).toBe('first');
  });

  it('a request over the frame limit is refused in the parent and the child stays usable', async () => {
    const { child: c } = await evilChild('honest');
    const huge = { blob: 'x'.repeat(MAX_IPC_MESSAGE_BYTES) };
    await expect(c.run({ tool: 't', code: 'x', args: huge, secrets: {}, allowedModules: [], grants, timeoutMs: 5000, graceMs: 300, heapCapBytes: 256 * 1048576 }))
      .rejects.toMatchObject({ code: 'oversize_message' });
    expect((await call(c)).result).toBe('real');
  });
});
