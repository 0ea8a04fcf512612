// A real gateway with the production pieces of "running it for real": a state store in a temp data
// dir (execution logs, secrets), the auth settings under test, limits and metrics. Python tools are
// served from a TestRegistry holding main's tools (the contract the reconciler fills in production).
import { rmSync } from 'node:fs';
import { pino, type Logger } from 'pino';
import { ExecutionLogRepository, loadSecretCipher, openStateStore, readDesiredState, SecretStore, type StateStore } from '@mcpbox/core';
import type { Sandbox } from '@mcpbox/sandbox';
import { createGateway, type Gateway } from '../../src/index.ts';
import type { AuthSettings } from '../../src/auth/index.ts';
import type { OperationLimits } from '../../src/config/index.ts';
import { ExecutionLogWriter } from '../../src/observability/execution-log-writer.ts';
import { makeRepo } from '../support/gateway-fixture.ts';
import { liveToolsOf, TestRegistry, TEXT_STATS_SCHEMA } from '../support/test-registry.ts';

export interface OpsGateway {
  dir: string;
  repo: string;
  url: string;
  origin: string;
  gateway: Gateway;
  store: StateStore;
  logs: ExecutionLogRepository;
  secrets: SecretStore;
  registry: TestRegistry;
  close(): Promise<void>;
}

export async function startOpsGateway(
  options: { auth?: AuthSettings; limits?: Partial<OperationLimits>; sandbox?: Sandbox; host?: string; logger?: Logger; dir?: string; repo?: string } = {},
): Promise<OpsGateway> {
  const { dir, repo } = options.dir !== undefined && options.repo !== undefined ? { dir: options.dir, repo: options.repo } : await makeRepo();
  const registry = new TestRegistry();
  const state = await readDesiredState(repo);
  registry.apply(state, liveToolsOf(state, { examples__text_stats: TEXT_STATS_SCHEMA }));
  const store = openStateStore(dir);
  const logs = new ExecutionLogRepository(store);
  const secrets = new SecretStore(store, loadSecretCipher(dir, undefined));
  const gateway = await createGateway({
    config: { host: options.host ?? '127.0.0.1', port: 0, repo, allowedHosts: ['localhost', '127.0.0.1', '[::1]'], allowedOrigins: ['localhost', '127.0.0.1', '[::1]'], logLevel: 'silent' },
    registry,
    sandbox: options.sandbox ?? null,
    logger: options.logger ?? pino({ level: 'silent' }),
    ...(options.auth === undefined ? {} : { auth: options.auth }),
    ...(options.limits === undefined ? {} : { limits: options.limits }),
    executionLogs: new ExecutionLogWriter(logs),
    secrets,
  });
  const url = await gateway.listen();
  return {
    dir,
    repo,
    url,
    origin: new URL(url).origin,
    gateway,
    store,
    logs,
    secrets,
    registry,
    async close() {
      await gateway.close();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const INITIALIZE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'ops-test', version: '1.0.0' } },
};

/** One raw POST to /mcp, as any HTTP client would send it. */
export function postMcp(url: string, headers: Record<string, string> = {}, body: unknown = INITIALIZE): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
    body: JSON.stringify(body),
  });
}
