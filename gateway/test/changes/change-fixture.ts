// A real gateway for the write-side tests: a bare tools repo from the template, the real Fastify
// app on 127.0.0.1, a state store for runtime switches, optionally the real sandbox, and clients of
// the official SDK over HTTP. The registry is the test's own LiveRegistry (see ../support).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { createLocalAdminForge, initRepo, loadSecretCipher, openStateStore, readDesiredState, SecretStore, ServerSwitchRepository, type AdminForge, type StateStore } from '@mcpbox/core';
import type { Sandbox } from '@mcpbox/sandbox';
import { createGateway, type Gateway, type GatewayOptions } from '../../src/index.ts';
import { TEMPLATE_DIR } from '../support/gateway-fixture.ts';
import { liveToolsOf, TestRegistry } from '../support/test-registry.ts';

export interface ChangeFixture {
  dir: string;
  repo: string;
  url: string;
  gateway: Gateway;
  registry: TestRegistry;
  store: StateStore;
  /** The encrypted secret store the gateway reads (the admin's `mcpbox secret set` writes it). */
  secrets: SecretStore;
  admin: AdminForge;
  /** Applies main to the registry as the reconciler would (schemas from the sandbox when given). */
  reapply(): Promise<void>;
  client(name?: string, headers?: Record<string, string>): Promise<Client>;
  git(...args: string[]): string;
  close(): Promise<void>;
}

export interface CallResult {
  isError: boolean;
  data: Record<string, unknown>;
  text: string;
}

export async function call(client: Client, name: string, args: Record<string, unknown> = {}): Promise<CallResult> {
  const result = await client.callTool({ name, arguments: args });
  const text = (result.content as Array<{ text: string }>)[0]?.text ?? '';
  return { isError: result.isError === true, data: (result.structuredContent ?? {}) as Record<string, unknown>, text };
}

export async function startChangeGateway(options: { sandbox?: Sandbox; auth?: GatewayOptions['auth'] } = {}): Promise<ChangeFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'mcpbox-changes-'));
  const repo = join(dir, 'repo.git');
  await initRepo(repo, TEMPLATE_DIR, { name: 'mcpbox', email: 'mcpbox@localhost' });
  const store = openStateStore(dir);
  const secrets = new SecretStore(store, loadSecretCipher(dir, undefined));
  const registry = new TestRegistry();
  const reapply = async () => {
    const state = await readDesiredState(repo);
    const schemas: Record<string, Record<string, unknown>> = {};
    if (options.sandbox) {
      for (const server of Object.values(state.servers)) {
        for (const tool of Object.values(server.tools)) schemas[tool.id] = (await options.sandbox.analyze(tool.code)).input_schema;
      }
    }
    registry.apply(state, liveToolsOf(state, schemas));
  };
  await reapply();
  const gateway = await createGateway({
    config: { host: '127.0.0.1', port: 0, repo, allowedHosts: ['127.0.0.1', 'localhost'], allowedOrigins: ['127.0.0.1', 'localhost'], logLevel: 'silent' },
    registry,
    sandbox: options.sandbox ?? null,
    serverSwitches: new ServerSwitchRepository(store),
    secrets,
    ...(options.auth === undefined ? {} : { auth: options.auth }),
    logger: pino({ level: 'silent' }),
  });
  const url = await gateway.listen();
  const clients: Client[] = [];
  return {
    dir,
    repo,
    url,
    gateway,
    registry,
    store,
    secrets,
    admin: createLocalAdminForge({ gitDir: repo, identity: { name: 'Admin Person', email: 'admin@example.invalid' } }),
    reapply,
    async client(name = 'change-test', headers?: Record<string, string>) {
      const client = new Client({ name, version: '1.2.3' }, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
      await client.connect(new StreamableHTTPClientTransport(new URL(url), headers === undefined ? undefined : { requestInit: { headers } }));
      clients.push(client);
      return client;
    },
    git: (...args: string[]) => execFileSync('git', ['--git-dir', repo, ...args], { encoding: 'utf8' }),
    async close() {
      await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
      await gateway.close();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
