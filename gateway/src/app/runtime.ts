// The runtime behind the gateway: state store, sandbox pool and reconciler, created in that order
// and stopped in reverse. The reconciler's registry is what the gateway serves.
import { ExecutionLogRepository, fetchingSource, loadSecretCipher, onMainMoved, openStateStore, SecretStore, ServerSwitchRepository, type BranchForge, type RepoMirror, maintainRepo } from '@mcpbox/core';
import { GitRevisionSource, Reconciler, type LiveRegistry } from '@mcpbox/reconciler';
import { createHttpBridge, createSandbox, type Sandbox, analyzerFingerprint } from '@mcpbox/sandbox';
import type { Logger } from 'pino';
import type { GatewayConfig } from '../config/index.ts';
import { commitTime } from '../observability/commit-time.ts';
import { DEFAULT_RETENTION, ExecutionLogWriter } from '../observability/execution-log-writer.ts';
import { GatewayMetrics } from '../observability/gateway-metrics.ts';
import { PokeScheduler } from '../http/webhooks/poke-scheduler.ts';
import { createRemoteForge, reportAppliedRevisions } from './remote-forge.ts';

const REPO_MAINTENANCE_INTERVAL_MS = 60 * 60 * 1000;

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
  /** The remote forge's adapter (MCPBOX_FORGE=github|gitea), or null for the embedded local forge. */
  forge: BranchForge | null;
  /** The local mirror of a remote forge, or null. */
  mirror: RepoMirror | null;
  /** Webhook pokes for the reconciler (repeated while a pushed commit is not fetchable yet). */
  pokes: PokeScheduler;
  /**
   * Starts reconciling (serving the last applied revision first) and, beside it, pre-starts a sandbox
   * child so the first call does not wait for one to boot. Separate so the caller can bind first.
   */
  start(): Promise<void>;
  /** True from start() until the pre-started sandbox child is ready (or could not start). */
  sandboxWarming(): boolean;
  close(): Promise<void>;
}

export function createRuntime(config: Pick<GatewayConfig, 'dataDir' | 'repo'> & Partial<Pick<GatewayConfig, 'limits' | 'remote'>>, logger: Logger): Runtime {
  // With a remote forge, main is read from a local mirror that every reconcile attempt fetches first.
  const remote = config.remote ? createRemoteForge(config.remote, logger.child({ component: 'forge' })) : null;
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
  const sandbox = createSandbox({
    dataDir: config.dataDir, log: metrics.tapSandboxLog(logger.child({ component: 'sandbox' })), httpBridge,
    ...(config.limits === undefined ? {} : { maxInstances: config.limits.sandboxMaxChildren, maxDraftInstances: config.limits.sandboxMaxDraftChildren }),
  });
  sandboxRef = sandbox;
  const reconciler = new Reconciler({
    dataDir: config.dataDir,
    store,
    source: remote ? fetchingSource(remote.mirror, new GitRevisionSource(config.repo)) : new GitRevisionSource(config.repo),
    sandbox,
    // Cached analyses are keyed by the analyzer too: an upgrade re-analyzes instead of trusting old results.
    analyzerId: analyzerFingerprint(),
    // A merge by the local forge in this process is seen at once, before any file watch fires.
    signals: [(notify) => onMainMoved(config.repo, () => notify('main moved (local forge)'))],
    log: logger.child({ component: 'reconciler' }),
  });
  reconcilerRef = reconciler;
  const stopLatency = metrics.watchRegistry(reconciler.registry, commitTime(config.repo));
  const stopReporting = remote ? reportAppliedRevisions(reconciler.registry, remote.forge, logger.child({ component: 'forge' })) : () => {};
  // The git plumbing we write with never triggers git's own housekeeping: loose objects from every
  // draft commit would pile up. `gc --auto` is cheap when there is nothing to do.
  const housekeeping = setInterval(() => {
    maintainRepo(config.repo).catch((err: unknown) => logger.warn({ err: (err as Error).message }, 'git housekeeping failed'));
  }, REPO_MAINTENANCE_INTERVAL_MS);
  housekeeping.unref();
  let warming = false;
  const pokes = new PokeScheduler({ poke: (reason) => reconciler.poke(reason), ...(remote ? { has: (sha: string) => remote.mirror.has(sha) } : {}) });
  return {
    registry: reconciler.registry,
    sandbox,
    reconciler,
    serverSwitches: new ServerSwitchRepository(store),
    executionLogs,
    secrets,
    metrics,
    forge: remote?.forge ?? null,
    mirror: remote?.mirror ?? null,
    pokes,
    async start() {
      // Not awaited: /readyz reports it (sandboxWarming), and a first call waits for this child.
      warming = true;
      void sandbox.prestart().finally(() => { warming = false; });
      if (remote) {
        await remote.mirror.ensure();
        // A forge that is down at start is reported by the reconciler's first attempt; not fatal.
        await remote.mirror.fetch().catch((err: unknown) => logger.warn({ err: (err as Error).message }, 'first fetch of the tools repo failed'));
      }
      await reconciler.start();
    },
    sandboxWarming: () => warming,
    async close() {
      clearInterval(housekeeping);
      pokes.close();
      stopReporting();
      stopLatency();
      await reconciler.stop();
      await sandbox.close();
      executionLogs.flush();
      store.close();
    },
  };
}
