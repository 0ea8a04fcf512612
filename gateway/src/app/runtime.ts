// The runtime behind the gateway: state store, sandbox pool and reconciler, created in that order
// and stopped in reverse. The reconciler's registry is what the gateway serves.
import { ExecutionLogRepository, loadSecretCipher, onMainMoved, openStateStore, SecretStore, ServerSwitchRepository } from '@mcpbox/core';
import { GitRevisionSource, Reconciler, type LiveRegistry } from '@mcpbox/reconciler';
import { createHttpBridge, createSandbox, type Sandbox } from '@mcpbox/sandbox';
import type { Logger } from 'pino';
import type { GatewayConfig } from '../config/index.ts';
import { commitTime } from '../observability/commit-time.ts';
import { DEFAULT_RETENTION, ExecutionLogWriter } from '../observability/execution-log-writer.ts';
import { GatewayMetrics } from '../observability/gateway-metrics.ts';

export interface Runtime {
  registry: LiveRegistry;
  sandbox: Sandbox;
  reconciler: Reconciler;
  /** Runtime start/stop of servers, persisted in the state store. */
  serverSwitches: ServerSwitchRepository;
  /** Durable execution logs of every call (state store). */
  executionLogs: ExecutionLogWriter;
  /** Server secrets, encrypted at rest. */
  secrets: SecretStore;
  metrics: GatewayMetrics;
  /** Starts reconciling (serving the last applied revision first). Separate so the caller can bind first. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export function createRuntime(config: Pick<GatewayConfig, 'dataDir' | 'repo'> & Partial<Pick<GatewayConfig, 'limits'>>, logger: Logger): Runtime {
  const store = openStateStore(config.dataDir);
  const secrets = new SecretStore(store, loadSecretCipher(config.dataDir));
  const executionLogs = new ExecutionLogWriter(
    new ExecutionLogRepository(store),
    config.limits === undefined ? DEFAULT_RETENTION : { maxAgeMs: config.limits.logRetentionDays * 86_400_000, maxEntries: config.limits.logMaxEntries },
  );
  // Sandbox and reconciler are read at scrape time; child exits and kills are counted from the sandbox's log events.
  let sandboxRef: { livePids(): Record<string, number> } | null = null;
  let reconcilerRef: Reconciler | null = null;
  const metrics = new GatewayMetrics({
    sandboxLivePids: () => sandboxRef?.livePids() ?? {},
    reconcilerStatus: () => reconcilerRef!.status(),
  });
  const bridgeLog = logger.child({ component: 'http-bridge' });
  // Tools reach the network only through this bridge, which applies main's grants and the SSRF guard.
  const httpBridge = createHttpBridge({ log: (event) => bridgeLog.info(event, 'tool http request') });
  const sandbox = createSandbox({ dataDir: config.dataDir, log: metrics.tapSandboxLog(logger.child({ component: 'sandbox' })), httpBridge });
  sandboxRef = sandbox;
  const reconciler = new Reconciler({
    dataDir: config.dataDir,
    store,
    source: new GitRevisionSource(config.repo),
    sandbox,
    // A merge by the local forge in this process is seen at once, before any file watch fires.
    signals: [(notify) => onMainMoved(config.repo, () => notify('main moved (local forge)'))],
    log: logger.child({ component: 'reconciler' }),
  });
  reconcilerRef = reconciler;
  const stopLatency = metrics.watchRegistry(reconciler.registry, commitTime(config.repo));
  return {
    registry: reconciler.registry,
    sandbox,
    reconciler,
    serverSwitches: new ServerSwitchRepository(store),
    executionLogs,
    secrets,
    metrics,
    start: () => reconciler.start(),
    async close() {
      stopLatency();
      await reconciler.stop();
      await sandbox.close();
      executionLogs.flush();
      store.close();
    },
  };
}
