// The reconciler: main becomes the live registry. One attempt reads top to bottom as its phases —
// fetch → verify → build → apply → report — and only a revision that validated whole is applied;
// otherwise the last good revision keeps serving and the status says exactly what failed.
//
// Attempts never overlap: triggers (main moved, poll, webhook poke, manual request, retry timer)
// are coalesced into the next attempt. Transient failures back off (Argo's numbers); a revision
// that failed validation is not retried until main moves again or someone asks by hand.
import { performance } from 'node:perf_hooks';
import { AnalysisCacheRepository, ReconcileRequestRepository } from '@mcpbox/core';
import type { StateStore } from '@mcpbox/core';
import { ReconcileError } from './errors.ts';
import type { ReconcileFailureCode } from './errors.ts';
import { buildRevision, short } from './revision-builder.ts';
import type { AppliedBuild } from './revision-builder.ts';
import { DEFAULT_RETRY_POLICY, jittered, retryDelay } from './retry-policy.ts';
import type { RetryPolicy } from './retry-policy.ts';
import type { RevisionSource } from './revision-source.ts';
import { withCondition } from './status.ts';
import type { ReconcileHistoryEntry, HistoryResult, ReconcilerStatus } from './status.ts';
import { StatusStore } from './status-store.ts';
import { SwappableRegistry } from './swappable-registry.ts';
import { ToolAnalyzer } from './tool-analyzer.ts';
import type { AnalyzingSandbox } from './tool-analyzer.ts';

export interface ReconcilerLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface ReconcilerOptions {
  dataDir: string;
  /** The data dir's state store, opened by the composition root and shared with other concerns. */
  store: StateStore;
  source: RevisionSource;
  sandbox: AnalyzingSandbox;
  /** Identity of the analyzer for the analysis cache (change it when analysis output changes). */
  analyzerId?: string;
  /** Backstop poll of main; 0 disables. Default 60 s, ±10 % jitter. */
  pollIntervalMs?: number;
  /** How often manual requests from other processes (`mcpbox reconcile`) are picked up. Default 1 s. */
  requestPollMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Extra "main moved" signals besides the source's own watch (e.g. the local forge's event). */
  signals?: Array<(notify: (reason: string) => void) => () => void>;
  log?: ReconcilerLog;
}

/** What one handled trigger came to; echoed to manual requesters. */
export interface ReconcileOutcome {
  result: HistoryResult | 'suspended' | 'skipped';
  revision: string | null;
  digest: string | null;
  message: string;
}

interface Trigger {
  reasons: string[];
  tokens: string[]; // manual requests answered by this attempt
  manual: boolean; // a person asked: retry even a revision that failed
  retry: boolean; // the backoff timer fired
}

const quietLog: ReconcilerLog = { info() {}, warn() {}, error() {} };

export class Reconciler {
  readonly registry: SwappableRegistry;
  readonly analyzer: ToolAnalyzer;
  readonly #source: RevisionSource;
  readonly #sandbox: AnalyzingSandbox;
  readonly #statusStore: StatusStore;
  readonly #requests: ReconcileRequestRepository;
  readonly #retryPolicy: RetryPolicy;
  readonly #pollIntervalMs: number;
  readonly #requestPollMs: number;
  readonly #signals: Array<(notify: (reason: string) => void) => () => void>;
  readonly #log: ReconcilerLog;

  #status: ReconcilerStatus;
  #applied: AppliedBuild | null = null;
  #queued: Trigger | null = null;
  #running: Promise<void> | null = null;
  #idleWaiters: Array<() => void> = [];
  #tokenWaiters = new Map<string, (outcome: ReconcileOutcome) => void>();
  #inFlightTokens = new Set<string>();
  #unsubscribe: Array<() => void> = [];
  #pollTimer: NodeJS.Timeout | null = null;
  #retryTimer: NodeJS.Timeout | null = null;
  #requestTimer: NodeJS.Timeout | null = null;
  #stopped = false;

  constructor(options: ReconcilerOptions) {
    this.#log = options.log ?? quietLog;
    this.registry = new SwappableRegistry(this.#log);
    this.#source = options.source;
    this.#sandbox = options.sandbox;
    this.#statusStore = new StatusStore(options.store, options.dataDir);
    this.#requests = new ReconcileRequestRepository(options.store);
    this.analyzer = new ToolAnalyzer(options.sandbox, new AnalysisCacheRepository(options.store, options.analyzerId ?? 'sandbox-analyze-v1'));
    this.#retryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.#pollIntervalMs = options.pollIntervalMs ?? 60_000;
    this.#requestPollMs = options.requestPollMs ?? 1_000;
    this.#signals = options.signals ?? [];
    this.#status = this.#statusStore.load();
  }

  /**
   * Serve the last applied revision first (from the state store and the analysis cache), then
   * listen for changes and reconcile main.
   */
  async start(): Promise<void> {
    await this.#restoreLastApplied();
    const notify = (reason: string) => this.poke(reason);
    if (this.#source.watch) this.#unsubscribe.push(this.#source.watch(notify));
    for (const signal of this.#signals) this.#unsubscribe.push(signal(notify));
    if (this.#requestPollMs > 0) {
      this.#requestTimer = setInterval(() => this.#pickUpRequests(), this.#requestPollMs);
      this.#requestTimer.unref();
    }
    // A retry pending (or given up on) when the last process ended is due now: its timer died with it.
    const stalledOnRetries = this.#status.conditions.some((c) => c.type === 'Stalled' && c.status === 'True' && c.reason === 'RetryLimitExceeded');
    this.#schedule({ reasons: ['start'], tokens: [], manual: false, retry: this.#status.retry !== null || stalledOnRetries });
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    for (const off of this.#unsubscribe.splice(0)) off();
    for (const t of [this.#pollTimer, this.#retryTimer]) if (t) clearTimeout(t);
    if (this.#requestTimer) clearInterval(this.#requestTimer);
    const unanswered = this.#queued?.tokens ?? [];
    this.#queued = null;
    await this.#running;
    // Requests that will not be handled by this process stay pending in the store for the next one;
    // in-process callers get an answer instead of waiting forever.
    for (const t of unanswered) {
      this.#tokenWaiters.get(t)?.({ result: 'skipped', revision: null, digest: null, message: 'the reconciler stopped before handling this request' });
      this.#tokenWaiters.delete(t);
      this.#inFlightTokens.delete(t);
    }
  }

  /** Something says main may have moved (event, watch, webhook): look soon. Never throws. */
  poke(reason: string): void {
    this.#schedule({ reasons: [reason], tokens: [], manual: false, retry: false });
  }

  /** A manual "reconcile now" from this process: resolves with the outcome and the echoed token. */
  async reconcileNow(): Promise<ReconcileOutcome & { token: string }> {
    if (this.#stopped) throw new ReconcileError('ApplyFailed', 'the reconciler is stopped; start it (mcpbox up) to reconcile');
    const { token } = this.#requests.create();
    const outcome = new Promise<ReconcileOutcome>((resolve) => this.#tokenWaiters.set(token, resolve));
    this.#inFlightTokens.add(token);
    this.#schedule({ reasons: ['manual'], tokens: [token], manual: true, retry: false });
    return { ...(await outcome), token };
  }

  suspend(): void {
    this.#save({ ...this.#status, suspended: true, conditions: this.#conditions('Ready', this.#readyStatus(), 'Suspended', 'reconciliation is suspended; the last applied revision keeps serving') });
  }

  resume(): void {
    this.#save({ ...this.#status, suspended: false });
    this.poke('resume');
  }

  status(): ReconcilerStatus {
    return structuredClone(this.#status);
  }

  /** Resolves once no attempt is running or queued (for tests, benches and orderly shutdown). */
  idle(): Promise<void> {
    if (!this.#running && !this.#queued) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  // ── scheduling ────────────────────────────────────────────────────────────────────────────

  #schedule(trigger: Trigger): void {
    if (this.#stopped) return;
    const q = this.#queued;
    this.#queued = q
      ? { reasons: [...q.reasons, ...trigger.reasons], tokens: [...q.tokens, ...trigger.tokens], manual: q.manual || trigger.manual, retry: q.retry || trigger.retry }
      : trigger;
    this.#running ??= this.#drain();
  }

  async #drain(): Promise<void> {
    while (this.#queued && !this.#stopped) {
      const trigger = this.#queued;
      this.#queued = null;
      const outcome = await this.#attempt(trigger);
      this.#answer(trigger.tokens, outcome);
      this.#armPoll();
    }
    this.#running = null;
    for (const resolve of this.#idleWaiters.splice(0)) resolve();
  }

  #armPoll(): void {
    if (this.#pollTimer) clearTimeout(this.#pollTimer);
    this.#pollTimer = null;
    if (this.#pollIntervalMs <= 0 || this.#stopped) return;
    this.#pollTimer = setTimeout(() => this.poke('poll'), jittered(this.#pollIntervalMs, 0.1));
    this.#pollTimer.unref();
  }

  #pickUpRequests(): void {
    let fresh: string[];
    try {
      fresh = this.#requests.pending().map((r) => r.token).filter((t) => !this.#inFlightTokens.has(t));
    } catch (err) {
      this.#log.warn({ err: (err as Error).message }, 'could not read manual reconcile requests');
      return;
    }
    if (fresh.length === 0) return;
    for (const t of fresh) this.#inFlightTokens.add(t);
    this.#schedule({ reasons: ['manual'], tokens: fresh, manual: true, retry: false });
  }

  #answer(tokens: string[], outcome: ReconcileOutcome): void {
    if (tokens.length === 0) return;
    try {
      this.#requests.markHandled(tokens, outcome);
    } catch (err) {
      this.#log.error({ err: (err as Error).message }, 'could not record the outcome of manual reconcile requests');
    }
    this.#save({ ...this.#status, lastHandledReconcileAt: tokens[tokens.length - 1]! });
    for (const t of tokens) {
      this.#inFlightTokens.delete(t);
      this.#tokenWaiters.get(t)?.(outcome);
      this.#tokenWaiters.delete(t);
    }
  }

  // ── one attempt: fetch → verify → build → apply → report ─────────────────────────────────

  async #attempt(trigger: Trigger): Promise<ReconcileOutcome> {
    const started = performance.now();
    if (this.#status.suspended) {
      return { result: 'suspended', revision: this.#status.lastAppliedRevision, digest: this.#status.lastAppliedDigest, message: 'reconciliation is suspended' };
    }

    // fetch: where is main?
    let head: string;
    try {
      head = await this.#source.head();
    } catch (err) {
      return this.#failed(asReconcileError(err, 'FetchFailed'), null, started);
    }
    const previousHead = this.#status.observedRevision;
    this.#status = { ...this.#status, observedRevision: head };

    if (head === this.#status.lastAppliedRevision && this.#applied) {
      if (!this.#isSettled() || previousHead !== head) this.#settled();
      return { result: 'unchanged', revision: head, digest: this.#applied.live.digest, message: `revision ${short(head)} is already applied` };
    }
    const alreadyFailed = head === this.#status.failedRevision;
    const waitingForRetry = this.#status.retry !== null && head === this.#status.lastAttemptedRevision;
    const stalled = this.#isStalledOn(head);
    // A revision that failed validation waits for a person; a transient failure waits for its retry.
    if (!trigger.manual && (alreadyFailed || (!trigger.retry && (waitingForRetry || stalled)))) {
      if (previousHead !== head) this.#save(this.#status);
      return { result: 'skipped', revision: head, digest: null, message: `revision ${short(head)} already failed; waiting for a new revision or a manual reconcile` };
    }
    // Going ahead: a pending retry is superseded by this attempt; a person asking, or a new
    // revision, starts the retry count afresh.
    this.#cancelRetry(trigger.manual || head !== this.#status.lastAttemptedRevision);
    this.#save({
      ...this.#status,
      lastAttemptedRevision: head,
      conditions: this.#conditions('Reconciling', 'True', trigger.retry ? 'ProgressingWithRetry' : 'Progressing', `reconciling revision ${short(head)}`),
    });

    try {
      // verify: read the revision and its file-level problems
      // (the diff for the incremental build is read alongside: two git processes at once)
      const [state, changed] = await Promise.all([
        this.#source.readDesiredState(head).catch((err: unknown) => {
          throw asReconcileError(err, 'FetchFailed');
        }),
        this.#applied ? this.#source.changedPaths(this.#applied.live.revision, head).catch(() => null) : Promise.resolve(null),
      ]);
      // build: incremental against what is applied, when the two revisions can be compared
      const built = await buildRevision(state, this.analyzer, this.#applied, changed, new Date().toISOString());
      // apply: one swap, readers see the old revision or the new one
      const previous = this.#applied;
      this.#applied = built;
      this.registry.swap(built.live);
      this.#prune(previous, built);
      // report
      const durationMs = performance.now() - started;
      const sameContent = previous?.live.digest === built.live.digest;
      this.#log.info(
        { revision: head, digest: built.live.digest, tools: built.live.tools.size, analyzed: built.analyzed, rebuilt: built.rebuilt, durationMs: Math.round(durationMs) },
        'applied revision',
      );
      this.#save(
        {
          ...this.#status,
          lastAppliedRevision: head,
          lastAppliedDigest: built.live.digest,
          failedRevision: null,
          retry: null,
          errors: [],
          tools: built.live.tools.size,
          conditions: this.#allConditions(
            ['Ready', 'True', 'ReconciliationSucceeded', `applied revision ${short(head)} (${built.live.tools.size} tools)`],
            ['Reconciling', 'False', 'ReconciliationSucceeded', ''],
            ['Stalled', 'False', 'ReconciliationSucceeded', ''],
          ),
        },
        this.#historyEntry(head, built.live.digest, durationMs, 'applied', sameContent ? 'same content as before' : undefined),
      );
      return { result: 'applied', revision: head, digest: built.live.digest, message: `applied revision ${short(head)} (${built.live.tools.size} tools)` };
    } catch (err) {
      return this.#failed(asReconcileError(err, 'ApplyFailed'), head, started);
    }
  }

  #failed(error: ReconcileError, revision: string | null, started: number): ReconcileOutcome {
    const durationMs = performance.now() - started;
    const serving = this.#applied ? `; still serving revision ${short(this.#applied.live.revision)}` : '';
    const result: HistoryResult = error.code === 'ValidationFailed' ? 'invalid' : error.code === 'EmptyRevisionRefused' ? 'refused' : 'failed';
    this.#log.warn({ revision, code: error.code, problems: error.problems.length }, error.message);
    const errors = error.problems.length > 0 ? error.problems : [{ file: '', message: error.message }];
    const readyStatus = 'False';

    if (!error.transient) {
      // Final for this sha: only a new revision or a manual trigger tries again.
      this.#save(
        {
          ...this.#status,
          failedRevision: revision,
          retry: null,
          errors,
          conditions: this.#allConditions(
            ['Ready', readyStatus, error.code, `${error.message}${serving}`],
            ['Reconciling', 'False', error.code, ''],
            ['Stalled', 'True', error.code, `revision ${revision ? short(revision) : '?'} cannot be applied; push a fix or revert`],
          ),
        },
        this.#historyEntry(revision, null, durationMs, result, error.message),
      );
      return { result, revision, digest: null, message: error.message };
    }

    const sameTarget = this.#status.retry !== null && (revision === null || revision === this.#status.lastAttemptedRevision);
    const attempt = sameTarget ? this.#status.retry!.attempt + 1 : 1;
    const delay = retryDelay(this.#retryPolicy, attempt);
    if (delay === null) {
      this.#save(
        {
          ...this.#status,
          retry: null,
          errors,
          conditions: this.#allConditions(
            ['Ready', readyStatus, error.code, `${error.message}${serving}`],
            ['Reconciling', 'False', 'RetryLimitExceeded', ''],
            ['Stalled', 'True', 'RetryLimitExceeded', `gave up after ${this.#retryPolicy.limit} retries; a new revision or a manual reconcile resumes`],
          ),
        },
        this.#historyEntry(revision, null, durationMs, result, error.message),
      );
      return { result, revision, digest: null, message: error.message };
    }
    const nextAttemptAt = new Date(Date.now() + delay).toISOString();
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      this.#schedule({ reasons: ['retry'], tokens: [], manual: false, retry: true });
    }, delay);
    this.#retryTimer.unref();
    this.#save(
      {
        ...this.#status,
        retry: { attempt, nextAttemptAt },
        errors,
        conditions: this.#allConditions(
          ['Ready', readyStatus, error.code, `${error.message}${serving}`],
          ['Reconciling', 'True', 'ProgressingWithRetry', `retry ${attempt} of ${this.#retryPolicy.limit} at ${nextAttemptAt}`],
          ['Stalled', 'False', 'ProgressingWithRetry', ''],
        ),
      },
      this.#historyEntry(revision, null, durationMs, result, error.message),
    );
    return { result, revision, digest: null, message: error.message };
  }

  /** Servers that no longer serve any tool lose their sandbox process (the registry already dropped them). */
  #prune(previous: AppliedBuild | null, next: AppliedBuild): void {
    if (!previous || !this.#sandbox.stop) return;
    const serving = new Set([...next.live.tools.values()].map((t) => t.server));
    const gone = new Set([...previous.live.tools.values()].map((t) => t.server).filter((s) => !serving.has(s)));
    for (const server of gone) {
      this.#sandbox.stop(server).catch((err: unknown) => this.#log.warn({ server, err: (err as Error).message }, 'could not stop the sandbox of a removed server'));
    }
  }

  #cancelRetry(resetAttempts: boolean): void {
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    if (resetAttempts && this.#status.retry) this.#status = { ...this.#status, retry: null };
  }

  #isStalledOn(head: string): boolean {
    const stalled = this.#status.conditions.find((c) => c.type === 'Stalled');
    return stalled?.status === 'True' && this.#status.lastAttemptedRevision === head;
  }

  #isSettled(): boolean {
    const is = (type: string, status: string) => this.#status.conditions.some((c) => c.type === type && c.status === status);
    return is('Ready', 'True') && is('Stalled', 'False') && this.#status.retry === null && this.#status.failedRevision === null && this.#status.errors.length === 0;
  }

  /** Main is back on the applied revision: clear failure state. */
  #settled(): void {
    const live = this.#applied!.live;
    this.#cancelRetry(true);
    this.#save({
      ...this.#status,
      failedRevision: null,
      retry: null,
      errors: [],
      conditions: this.#allConditions(
        ['Ready', 'True', 'ReconciliationSucceeded', `applied revision ${short(live.revision)} (${live.tools.size} tools)`],
        ['Reconciling', 'False', 'ReconciliationSucceeded', ''],
        ['Stalled', 'False', 'ReconciliationSucceeded', ''],
      ),
    });
  }

  // ── start-up: serve what was applied before anything else ─────────────────────────────────

  async #restoreLastApplied(): Promise<void> {
    const revision = this.#status.lastAppliedRevision;
    if (!revision) return;
    const started = performance.now();
    try {
      const state = await this.#source.readDesiredState(revision);
      const built = await buildRevision(state, this.analyzer, null, null, new Date().toISOString());
      this.#applied = built;
      this.registry.swap(built.live);
      this.#log.info(
        { revision, digest: built.live.digest, tools: built.live.tools.size, analyzed: built.analyzed, durationMs: Math.round(performance.now() - started) },
        'serving the last applied revision',
      );
    } catch (err) {
      // e.g. history rewritten and collected: reconcile main from scratch instead.
      this.#log.warn({ revision, err: (err as Error).message }, 'could not restore the last applied revision; reconciling main from scratch');
    }
  }

  // ── status bookkeeping ────────────────────────────────────────────────────────────────────

  #save(status: ReconcilerStatus, entry?: ReconcileHistoryEntry): void {
    const next = { ...status, updatedAt: new Date().toISOString() };
    try {
      this.#status = this.#statusStore.save(next, entry);
    } catch (err) {
      this.#status = next;
      this.#log.error({ err: (err as Error).message }, 'could not persist the reconciler status');
    }
  }

  #readyStatus(): 'True' | 'False' | 'Unknown' {
    return this.#status.conditions.find((c) => c.type === 'Ready')?.status ?? 'Unknown';
  }

  #conditions(type: 'Ready' | 'Reconciling' | 'Stalled', status: 'True' | 'False' | 'Unknown', reason: string, message: string) {
    return withCondition(this.#status.conditions, type, status, reason, message, new Date().toISOString());
  }

  #allConditions(...sets: Array<['Ready' | 'Reconciling' | 'Stalled', 'True' | 'False' | 'Unknown', string, string]>) {
    const now = new Date().toISOString();
    return sets.reduce((conditions, [type, status, reason, message]) => withCondition(conditions, type, status, reason, message, now), this.#status.conditions);
  }

  #historyEntry(revision: string | null, digest: string | null, durationMs: number, result: HistoryResult, message?: string): ReconcileHistoryEntry {
    return {
      revision: revision ?? '(unresolved)',
      digest,
      duration_ms: Math.round(durationMs * 10) / 10,
      result,
      ...(message ? { message } : {}),
      at: new Date().toISOString(),
    };
  }
}

function asReconcileError(err: unknown, fallback: ReconcileFailureCode): ReconcileError {
  if (err instanceof ReconcileError) return err;
  return new ReconcileError(fallback, (err as Error)?.message ?? String(err));
}
