// A real gateway for tests: a bare tools repo made by initRepo from the template, the real Fastify
// app on 127.0.0.1:<free port>, and a TestRegistry holding main's tools. Cleaned up by close().
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { initRepo, readDesiredState } from '@mcpbox/core';
import type { Sandbox } from '@mcpbox/sandbox';
import type { GatewayOptions } from '../../src/index.ts';
import { createGateway, type Gateway } from '../../src/index.ts';
import { liveToolsOf, TestRegistry, TEXT_STATS_SCHEMA } from './test-registry.ts';

export const TEMPLATE_DIR = new URL('../../../tools-repo-template/', import.meta.url).pathname;
export const REPO_ROOT = new URL('../../../', import.meta.url).pathname;
export const IDENTITY = { name: 'mcpbox test', email: 'test@mcpbox.invalid' };

export interface GatewayFixture {
  dir: string;
  repo: string;
  url: string;
  port: number;
  registry: TestRegistry;
  gateway: Gateway;
  /** Re-applies main to the registry (as the reconciler would), firing onChange. */
  reapply(): Promise<void>;
  close(): Promise<void>;
}

export async function makeRepo(): Promise<{ dir: string; repo: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'mcpbox-gw-'));
  const repo = join(dir, 'repo.git');
  await initRepo(repo, TEMPLATE_DIR, IDENTITY);
  return { dir, repo };
}

export async function startGateway(
  options: { sandbox?: Sandbox; bodyLimit?: number; allowedHosts?: string[]; legacySessions?: GatewayOptions['legacySessions'] } = {},
): Promise<GatewayFixture> {
  const { dir, repo } = await makeRepo();
  const registry = new TestRegistry();
  const reapply = async () => {
    const state = await readDesiredState(repo);
    registry.apply(state, liveToolsOf(state, { examples__text_stats: TEXT_STATS_SCHEMA }));
  };
  await reapply();
  const gateway = await createGateway({
    config: {
      host: '127.0.0.1',
      port: 0,
      repo,
      allowedHosts: options.allowedHosts ?? ['localhost', '127.0.0.1', '[::1]'],
      allowedOrigins: ['localhost', '127.0.0.1', '[::1]'],
      logLevel: 'silent',
    },
    registry,
    sandbox: options.sandbox ?? null,
    logger: pino({ level: 'silent' }),
    ...(options.bodyLimit === undefined ? {} : { bodyLimit: options.bodyLimit }),
    ...(options.legacySessions === undefined ? {} : { legacySessions: options.legacySessions }),
  });
  const url = await gateway.listen();
  return {
    dir,
    repo,
    url,
    port: Number(new URL(url).port),
    registry,
    gateway,
    reapply,
    async close() {
      await gateway.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Resolves when `predicate` is true, polling briefly; rejects after `ms`. */
export async function eventually(predicate: () => boolean, ms = 5000, what = 'condition'): Promise<void> {
  const until = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
