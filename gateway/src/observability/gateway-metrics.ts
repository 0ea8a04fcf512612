// Prometheus metrics of one gateway, on its own registry (several gateways may share a process in
// tests). Tool calls are counted where they are run; the sandbox, the reconciler and the registry
// are read or sampled at scrape time, so none of them needs to know about metrics.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ReconcileHistoryEntry, LiveRegistry, ReconcilerStatus } from '@mcpbox/reconciler';

export interface SandboxLogLike {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export type CallOutcome = 'ok' | 'error' | 'refused' | 'busy';

export interface MetricSources {
  /** Live sandbox children (SandboxPool.livePids). */
  sandboxLivePids?: () => Record<string, number>;
  reconcilerStatus?: () => ReconcilerStatus;
}

export class GatewayMetrics {
  readonly registry = new Registry();
  readonly toolCalls: Counter<'tool' | 'outcome'>;
  readonly toolCallSeconds: Histogram<'tool'>;
  readonly inFlight: Gauge;
  readonly rateLimited: Counter<'caller'>;
  readonly authFailures: Counter<'status'>;
  readonly sandboxChildExits: Counter;
  readonly sandboxChildKills: Counter;
  readonly reconciles: Counter<'result'>;
  readonly reconcileSeconds: Histogram<'result'>;
  readonly mergeToApplySeconds: Histogram;
  #lastHistoryAt = '';

  /** A sandbox log that also counts child exits and kills (the sandbox reports them as log events). */
  tapSandboxLog(log: SandboxLogLike): SandboxLogLike {
    const exits = this.sandboxChildExits;
    const kills = this.sandboxChildKills;
    return {
      debug(obj: object, msg: string) {
        if (msg === 'sandbox child exited') exits.inc();
        else if (msg === 'killing sandbox child') kills.inc();
        log.debug(obj, msg);
      },
      info: (obj: object, msg: string) => log.info(obj, msg),
      warn: (obj: object, msg: string) => log.warn(obj, msg),
      error: (obj: object, msg: string) => log.error(obj, msg),
    };
  }

  constructor(sources: MetricSources = {}) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.toolCalls = new Counter({ name: 'mcpbox_tool_calls_total', help: 'Tool calls by tool and outcome (ok, error, refused, busy).', labelNames: ['tool', 'outcome'], registers });
    this.toolCallSeconds = new Histogram({
      name: 'mcpbox_tool_call_duration_seconds',
      help: 'Duration of tool calls, queueing included.',
      labelNames: ['tool'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers,
    });
    this.inFlight = new Gauge({ name: 'mcpbox_tool_calls_in_flight', help: 'Tool calls running or queued now.', registers });
    this.rateLimited = new Counter({ name: 'mcpbox_rate_limited_total', help: 'Requests refused with 429 by caller.', labelNames: ['caller'], registers });
    this.authFailures = new Counter({ name: 'mcpbox_auth_failures_total', help: 'Requests refused by authentication, by status.', labelNames: ['status'], registers });
    this.sandboxChildExits = new Counter({ name: 'mcpbox_sandbox_child_exits_total', help: 'Sandbox child processes that exited (stops, crashes, recycling).', registers });
    this.sandboxChildKills = new Counter({ name: 'mcpbox_sandbox_child_kills_total', help: 'Sandbox child processes killed (deadline passed, crash, stop).', registers });
    // Reconcile history is read at scrape time; entries not seen before are counted once. The counter
    // is collected before the histogram below, so both reflect the same reading.
    const status = sources.reconcilerStatus;
    const observeHistory = (history: readonly ReconcileHistoryEntry[]) => this.observeHistory(history);
    this.reconciles = new Counter({
      name: 'mcpbox_reconciles_total',
      help: 'Reconcile attempts by result.',
      labelNames: ['result'],
      registers,
      collect() {
        if (status !== undefined) observeHistory(status().history);
      },
    });
    this.reconcileSeconds = new Histogram({ name: 'mcpbox_reconcile_duration_seconds', help: 'Reconcile duration by result.', labelNames: ['result'], buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60], registers });
    this.mergeToApplySeconds = new Histogram({ name: 'mcpbox_merge_to_apply_seconds', help: "Time from main's head commit to the gateway serving it.", buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300], registers });
    if (sources.sandboxLivePids !== undefined) {
      const livePids = sources.sandboxLivePids;
      new Gauge({ name: 'mcpbox_sandbox_instances', help: 'Live sandbox child processes (one per running server).', registers, collect() { this.set(Object.keys(livePids()).length); } });
    }
    if (status !== undefined) {
      new Gauge({
        name: 'mcpbox_reconciler_ready',
        help: '1 when the reconciler reports Ready.',
        registers,
        collect() {
          this.set(status().conditions.some((c) => c.type === 'Ready' && c.status === 'True') ? 1 : 0);
        },
      });
    }
  }

  /** Watches applied revisions to measure merge-to-apply latency (commit time of main's head → live). */
  watchRegistry(registry: LiveRegistry, commitTime: (revision: string) => Promise<number | null>): () => void {
    return registry.onChange((next) => {
      void commitTime(next.revision).then((seconds) => {
        if (seconds !== null) this.mergeToApplySeconds.observe(Math.max(0, Date.now() / 1000 - seconds));
      }, () => undefined);
    });
  }

  private observeHistory(history: readonly ReconcileHistoryEntry[]): void {
    const fresh = history.filter((h) => h.at > this.#lastHistoryAt);
    for (const h of fresh) {
      this.reconciles.inc({ result: h.result });
      this.reconcileSeconds.observe({ result: h.result }, h.duration_ms / 1000);
    }
    for (const h of fresh) if (h.at > this.#lastHistoryAt) this.#lastHistoryAt = h.at;
  }
}
