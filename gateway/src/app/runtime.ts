// The runtime behind the gateway: state store, sandbox pool and reconciler, created in that order
// and stopped in reverse. The reconciler's registry is what the gateway serves.
import { onMainMoved, openStateStore, ServerSwitchRepository } from '@mcpbox/core';
import { GitRevisionSource, Reconciler, type LiveRegistry } from '@mcpbox/reconciler';
import { createHttpBridge, createSandbox, type Sandbox } from '@mcpbox/sandbox';
import type { Logger } from 'pino';
import type { GatewayConfig } from '../config/index.ts';

export interface Runtime {
  registry: LiveRegistry;
  sandbox: Sandbox;
  reconciler: Reconciler;
  /** Runtime start/stop of servers, persisted in the state store. */
  serverSwitches: ServerSwitchRepository;
  /** Starts reconciling (serving the last applied revision first). Separate so the caller can bind first. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export function createRuntime(config: Pick<GatewayConfig, 'dataDir' | 'repo'>, logger: Logger): Runtime {
  const store = openStateStore(config.dataDir);
  const bridgeLog = logger.child({ component: 'http-bridge' });
  // Tools reach the network only through this bridge, which applies main's grants and the SSRF guard.
  const httpBridge = createHttpBridge({ log: (event) => bridgeLog.info(event, 'tool http request') });
  const sandbox = createSandbox({ dataDir: config.dataDir, log: logger.child({ component: 'sandbox' }), httpBridge });
  const reconciler = new Reconciler({
    dataDir: config.dataDir,
    store,
    source: new GitRevisionSource(config.repo),
    sandbox,
    // A merge by the local forge in this process is seen at once, before any file watch fires.
    signals: [(notify) => onMainMoved(config.repo, () => notify('main moved (local forge)'))],
    log: logger.child({ component: 'reconciler' }),
  });
  return {
    registry: reconciler.registry,
    sandbox,
    reconciler,
    serverSwitches: new ServerSwitchRepository(store),
    start: () => reconciler.start(),
    async close() {
      await reconciler.stop();
      await sandbox.close();
      store.close();
    },
  };
}
