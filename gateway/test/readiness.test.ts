// /readyz is 503 until the registry holds a revision and while the repo cannot be read.
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { readDesiredState } from '@mcpbox/core';
import { createGateway, type Gateway } from '../src/index.ts';
import { makeRepo } from './support/gateway-fixture.ts';
import { liveToolsOf, TestRegistry } from './support/test-registry.ts';

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanups) await c();
});

describe('readiness', () => {
  it('is not ready before the first revision is applied, ready after, not ready when the repo is gone', async () => {
    const { dir, repo } = await makeRepo();
    const registry = new TestRegistry();
    const gateway: Gateway = await createGateway({
      config: { host: '127.0.0.1', port: 0, repo, allowedHosts: ['127.0.0.1', 'localhost'], allowedOrigins: [], logLevel: 'silent' },
      registry,
      logger: pino({ level: 'silent' }),
    });
    cleanups.push(async () => {
      await gateway.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const url = new URL(await gateway.listen());
    const ready = () => fetch(`http://127.0.0.1:${url.port}/readyz`);

    const before = await ready();
    expect(before.status).toBe(503);
    expect(((await before.json()) as { checks: { registry: { message: string } } }).checks.registry.message).toMatch(/no revision/);

    const state = await readDesiredState(repo);
    registry.apply(state, liveToolsOf(state));
    expect((await ready()).status).toBe(200);

    rmSync(repo, { recursive: true, force: true });
    const gone = await ready();
    expect(gone.status).toBe(503);
    expect(((await gone.json()) as { checks: { repo: { ok: boolean } } }).checks.repo.ok).toBe(false);
  });

  it('waits for the sandbox to pre-start its first child, so the first call does not wait for one', async () => {
    const { dir, repo } = await makeRepo();
    const registry = new TestRegistry();
    let warming = true;
    const gateway: Gateway = await createGateway({
      config: { host: '127.0.0.1', port: 0, repo, allowedHosts: ['127.0.0.1', 'localhost'], allowedOrigins: [], logLevel: 'silent' },
      registry,
      logger: pino({ level: 'silent' }),
      sandboxWarming: () => warming,
    });
    cleanups.push(async () => {
      await gateway.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const url = new URL(await gateway.listen());
    const state = await readDesiredState(repo);
    registry.apply(state, liveToolsOf(state));
    const early = await fetch(`http://127.0.0.1:${url.port}/readyz`);
    expect(early.status).toBe(503);
    expect(((await early.json()) as { checks: { sandbox: { message: string } } }).checks.sandbox).toEqual({ ok: false, message: 'a Python sandbox child is still starting' });
    warming = false;
    expect((await fetch(`http://127.0.0.1:${url.port}/readyz`)).status).toBe(200);
  });
});
