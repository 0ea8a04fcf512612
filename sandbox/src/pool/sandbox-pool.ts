// createSandbox: the pool of sandbox children behind the `Sandbox` contract. One child per trust
// domain: the live child of a server (reviewed code, its secrets) and, apart from it, one draft child
// per (server, branch) for tests of unreviewed code. Children start lazily on their first call, take
// one call at a time, and are stopped when idle or when a cap needs room (least recently used first).
// The caps are hard: at the cap with nothing idle, a call waits briefly for a slot, then gets
// SandboxBusyError. Analysis runs in its own child.

import path from 'node:path';
import * as z from 'zod';
import type { Analysis, RunDomain, RunRequest, RunResult, Sandbox } from '../contract.ts';
import {
  ANALYZE_CHUNK, DEFAULT_BUSY_WAIT_MS, DEFAULT_DRAFT_IDLE_MS, DEFAULT_HEAP_CAP_BYTES, DEFAULT_HEAP_RECYCLE_BYTES, MAX_HEAP_CAP_MIB, MIN_HEAP_CAP_MIB,
  DEFAULT_IDLE_MS, DEFAULT_MAX_DRAFT_INSTANCES, DEFAULT_MAX_INSTANCES, DEFAULT_TIMEOUT_MS, DRAFT_CALLS_PER_CHILD,
  HARD_KILL_GRACE_MS, MAX_CODE_CHARS, MAX_IPC_MESSAGE_BYTES, MAX_TIMEOUT_MS,
} from '../limits.ts';
import { effectiveModules } from '../policy/safe-modules.ts';
import type { ChildConfig } from '../child/child-config.ts';
import { sandboxFiles, spawnLine, unshareCommand } from '../child/spawn-line.ts';
import { ensureSnapshot } from '../snapshot/snapshot-cache.ts';
import { AnalyzerFailedError, SandboxChild, UNASSIGNED_SERVER } from './sandbox-child.ts';
import { stderrLog, type SandboxOptions } from './options.ts';

export class SandboxInputError extends Error {
  readonly code = 'sandbox_bad_input';
}
export class SandboxClosedError extends Error {
  readonly code = 'sandbox_closed';
}
/**
 * Every child the caps allow is busy and stayed busy for the wait: nothing was started. `limit` says
 * which cap (all children, or the draft children), `cap` its size. The caller should try again shortly.
 */
export class SandboxBusyError extends Error {
  readonly code = 'sandbox_busy';
  readonly limit: 'children' | 'draft_children';
  readonly cap: number;

  constructor(limit: 'children' | 'draft_children', cap: number) {
    super(limit === 'children'
      ? `the sandbox is at its cap of ${cap} children and every one is busy; try again shortly`
      : `the sandbox is at its cap of ${cap} draft children (tests of unreviewed code) and every one is busy; try again shortly`);
    this.limit = limit;
    this.cap = cap;
  }
}

const ANALYZE_SERVER = '(analyze)';
const ANALYZE_TIMEOUT_MS = 20_000;
const ANALYZE_BATCH_CHARS = 4 * 1024 * 1024;

const RunDomainSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('live') }),
  z.object({
    kind: z.literal('draft'),
    branch: z.string().min(1).max(255),
    head: z.string().regex(/^[0-9a-f]{40}([0-9a-f]{24})?$/, 'expected a full commit id').optional(),
  }),
], { error: "expected { kind: 'live' } or { kind: 'draft', branch }" });

const RunRequestSchema = z.object({
  server: z.string().min(1).max(100),
  domain: RunDomainSchema,
  tool: z.string().min(1).max(200),
  code: z.string().max(MAX_CODE_CHARS, `the tool's source is longer than ${MAX_CODE_CHARS} characters`),
  args: z.record(z.string(), z.unknown()),
  timeoutMs: z.number().int().positive().optional(),
  memoryMb: z.number().int().min(MIN_HEAP_CAP_MIB).max(MAX_HEAP_CAP_MIB).optional(),
  secrets: z.record(z.string(), z.string()).optional(),
  policy: z.object({
    allowedModules: z.array(z.string().max(200)).max(1000),
    grants: z.array(z.object({ host: z.string(), port: z.number().int().optional() })),
  }),
}).refine((r) => r.domain.kind === 'live' || Object.keys(r.secrets ?? {}).length === 0, {
  path: ['secrets'],
  message: 'a draft request runs unreviewed code and never receives secret values; send it without secrets (only live calls carry them)',
});

/** The slot (and livePids) key of a domain: `server` for live, `server@draft:<branch>` for a draft (server names have no `@`). */
function slotKey(server: string, domain: RunDomain): string {
  return domain.kind === 'live' ? server : `${server}@draft:${domain.branch}`;
}

/** The contract plus what operators and the reconciler need beyond it. */
export interface SandboxPool extends Sandbox {
  /** Analyze many sources in one go (the reconciler may check thousands of tools). */
  analyzeMany(codes: string[]): Promise<Analysis[]>;
  /** Whether children run in their own network namespace (false: a JS-level escape could reach the network). */
  readonly networkNamespace: boolean;
  /**
   * PIDs of running children by slot: `server` (live), `server@draft:<branch>` (draft tests), `(analyze)`
   * and the pre-started `(warm)`; for status pages and tests.
   */
  livePids(): Record<string, number>;
  /** Messages refused from children so far (forged IPC, protocol violations). */
  refusedMessages(): number;
  /**
   * Start the warm child now rather than after the first server's start, so that first call does
   * not wait for a child to boot (spawn, snapshot load). Resolves once its boot is over, spare worker
   * included, or it failed to start.
   */
  prestart(): Promise<void>;
}

interface ServerSlot {
  key: string; // see slotKey
  server: string;
  kind: 'live' | 'draft' | 'analyze';
  child: SandboxChild | null;
  starting: Promise<SandboxChild> | null;
  stopping: Promise<void> | null; // a child being stopped still counts against the caps until it is gone
  tail: Promise<unknown>; // calls queue behind this
  pending: number;
  lastUsed: number;
  idleTimer?: NodeJS.Timeout;
  /** Draft slots: calls run by the current child, and the branch head it ran them for. */
  calls: number;
  head: string | undefined;
}

export function createSandbox(options: SandboxOptions): SandboxPool {
  const log = options.log ?? stderrLog;
  const cacheDir = path.resolve(options.cacheDir ?? path.join(options.dataDir, 'cache'));
  const maxInstances = options.maxInstances ?? DEFAULT_MAX_INSTANCES;
  const maxDraftInstances = Math.min(options.maxDraftInstances ?? DEFAULT_MAX_DRAFT_INSTANCES, maxInstances);
  const idleMs = options.idleMs ?? DEFAULT_IDLE_MS;
  const draftIdleMs = options.draftIdleMs ?? DEFAULT_DRAFT_IDLE_MS;
  const busyWaitMs = options.busyWaitMs ?? DEFAULT_BUSY_WAIT_MS;
  const graceMs = options.graceMs ?? HARD_KILL_GRACE_MS;
  const heapCapBytes = options.heapCapBytes ?? DEFAULT_HEAP_CAP_BYTES;
  const useNetns = options.networkNamespace ?? true;
  const netns = useNetns && unshareCommand() !== null;
  if (useNetns && !netns) {
    log.warn({}, 'unshare --user --net is not available on this OS: sandbox children share the host network namespace, ' +
      'so a JavaScript-level escape could open sockets (Python-level sockets stay blocked by the wasm firewall)');
  }
  const slots = new Map<string, ServerSlot>();
  // Slots holding a place under the caps: from the moment room is granted until their child is gone.
  const occupying = new Set<ServerSlot>();
  // Calls waiting for room, woken whenever a call ends or a child goes (something may be stoppable now).
  let roomWaiters: Array<() => void> = [];
  function roomChanged(): void {
    const waiters = roomWaiters;
    roomWaiters = [];
    for (const wake of waiters) wake();
  }
  // One pre-started child, not yet bound to any server, that the next server to start adopts: it
  // hides the cold start (spawn + snapshot load + netns) for new servers and after a child crash.
  const useWarmChild = options.warmChild ?? true;
  let warm: SandboxChild | null = null;
  let warmTimer: NodeJS.Timeout | undefined;
  let warmSpawning: Promise<void> | null = null; // awaited by close() so no child outlives it
  let refusedFromGone = 0;
  let closed = false;

  function slotOf(server: string, domain: RunDomain | 'analyze'): ServerSlot {
    const key = domain === 'analyze' ? ANALYZE_SERVER : slotKey(server, domain);
    let slot = slots.get(key);
    if (!slot) {
      slot = {
        key, server, kind: domain === 'analyze' ? 'analyze' : domain.kind, child: null, starting: null, stopping: null,
        tail: Promise.resolve(), pending: 0, lastUsed: Date.now(), calls: 0, head: undefined,
      };
      slots.set(key, slot);
    }
    return slot;
  }

  /** The slot is done with: forget it, so many short-lived drafts do not accumulate entries. */
  function forgetIfUnused(slot: ServerSlot): void {
    if (slot.kind === 'draft' && slot.pending === 0 && !slot.child && !slot.starting && !occupying.has(slot) && slots.get(slot.key) === slot) {
      slots.delete(slot.key);
    }
  }

  async function spawnChild(name: string): Promise<SandboxChild> {
    const [files, snapshotPath] = await Promise.all([sandboxFiles(), ensureSnapshot(cacheDir)]);
    const config: ChildConfig = {
      role: name === ANALYZE_SERVER ? 'analyze' : 'server',
      pyodideDir: files.pyodideDir,
      pyodideModuleUrl: files.pyodideModuleUrl,
      snapshotPath,
      heapCapBytes,
      recycleBytes: options.recycleBytes ?? DEFAULT_HEAP_RECYCLE_BYTES,
      graceMs,
      analyzeTimeoutMs: ANALYZE_TIMEOUT_MS,
      maxMessageBytes: MAX_IPC_MESSAGE_BYTES,
      spare: options.spareWorker ?? true,
      hygiene: options.callHygiene ?? true,
    };
    const line = spawnLine({
      entry: files.controlEntry,
      entryArg: JSON.stringify(config),
      readable: [...files.readable, snapshotPath],
      allowWorker: true,
      // Room for the largest cap a call may ask for (each call's own cap is set in the worker).
      wasmMaxBytes: Math.max(heapCapBytes, MAX_HEAP_CAP_MIB * 1048576) * 2,
      useNetns,
      cwd: files.pyodideDir,
    });
    return new SandboxChild({ server: name, line, maxMessageBytes: MAX_IPC_MESSAGE_BYTES, log, bridge: options.httpBridge });
  }

  /** Which cap stops `newcomer` from holding a child now, or null when it fits. */
  function capReached(newcomer: ServerSlot): 'children' | 'draft_children' | null {
    let all = 0;
    let drafts = 0;
    for (const s of occupying) {
      if (s === newcomer) continue;
      all++;
      if (s.kind === 'draft') drafts++;
    }
    // For a draft the draft cap is named first: it is the one that frees up only when a draft does.
    if (newcomer.kind === 'draft' && drafts >= maxDraftInstances) return 'draft_children';
    if (all >= maxInstances) return 'children';
    return null;
  }

  /**
   * Grant `newcomer` a place under the caps: stop least-recently-used idle children to make room, and
   * when every child that could make room is busy, wait up to busyWaitMs for one to become idle. The
   * grant is taken synchronously after the check, so concurrent starts can never overshoot a cap.
   */
  async function acquireRoom(newcomer: ServerSlot): Promise<void> {
    const deadline = Date.now() + busyWaitMs;
    for (;;) {
      if (closed) throw new SandboxClosedError('the sandbox is closed');
      if (occupying.has(newcomer)) return; // it holds a place already (its previous child is gone or going)
      const reached = capReached(newcomer);
      if (reached === null) {
        occupying.add(newcomer);
        return;
      }
      const victim = [...occupying]
        .filter((s) => s !== newcomer && s.pending === 0 && !s.starting && !s.stopping && (reached === 'children' || s.kind === 'draft'))
        .sort((a, b) => a.lastUsed - b.lastUsed)[0];
      if (victim) {
        log.info({ slot: victim.key, limit: reached }, 'stopping the least recently used sandbox child to stay within its cap');
        await stopSlot(victim);
        continue;
      }
      // A child being stopped to make room frees its place within a second (stop() SIGKILLs by then):
      // wait for it past the deadline rather than refuse a call that is about to fit.
      const evicting = [...occupying].some((s) => s !== newcomer && s.stopping !== null && s.pending === 0);
      const left = evicting ? Math.max(deadline - Date.now(), 50) : deadline - Date.now();
      if (left <= 0) {
        const cap = reached === 'children' ? maxInstances : maxDraftInstances;
        log.warn({ slot: newcomer.key, limit: reached, cap }, 'every sandbox child under the cap is busy; refusing the call as busy');
        throw new SandboxBusyError(reached, cap);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        timer.unref();
        roomWaiters.push(() => { clearTimeout(timer); resolve(); });
      });
    }
  }

  /** The slot's child is gone (stopped, crashed, never started): its place under the caps is free. */
  function release(slot: ServerSlot): void {
    if (occupying.delete(slot)) roomChanged();
  }

  /** Spawn the warm child unless there is one (or one on its way). */
  function spawnWarmChild(): void {
    if (!useWarmChild || closed || warm || warmSpawning) return;
    warmSpawning = spawnChild(UNASSIGNED_SERVER).then(async (child) => {
      if (closed) return child.stop();
      warm = child;
      child.onExit = () => { if (warm === child) warm = null; };
      child.ready.catch(() => child.kill('warm child failed to start'));
    }, (error: Error) => log.warn({ error: error.message }, 'could not pre-start a sandbox child'))
      .finally(() => { warmSpawning = null; });
  }

  /** Start the next warm child a little later, so its boot does not compete with the call at hand. */
  function scheduleWarmChild(delayMs = 300): void {
    if (!useWarmChild || closed || warm || warmTimer) return;
    warmTimer = setTimeout(() => {
      warmTimer = undefined;
      spawnWarmChild();
    }, delayMs);
    warmTimer.unref();
  }

  /**
   * The warm child, once it is ready; null when there is none or it failed to start. One still
   * booting is waited for: it started earlier than a spawn now would, with the same work to do.
   */
  async function takeWarmChild(): Promise<SandboxChild | null> {
    await warmSpawning;
    const child = warm;
    if (!child || !child.alive) return null;
    warm = null;
    const started = await child.ready.then(() => true, () => false);
    if (!started || !child.alive) return null;
    child.onExit = undefined;
    return child;
  }

  function ensureChild(slot: ServerSlot): Promise<SandboxChild> {
    if (closed) return Promise.reject(new SandboxClosedError('the sandbox is closed'));
    if (slot.child?.alive && !slot.stopping) return Promise.resolve(slot.child);
    if (!slot.starting) {
      slot.starting = (async () => {
        await slot.stopping;
        const counted = slot.kind !== 'analyze';
        if (counted) await acquireRoom(slot);
        let child: SandboxChild | null = null;
        try {
          // The warm child has run nothing yet, so either domain may adopt it; after adoption it
          // serves this one slot for its whole life.
          const adopted = counted ? await takeWarmChild() : null;
          if (adopted) adopted.adopt(slot.server);
          child = adopted ?? (await spawnChild(slot.kind === 'analyze' ? ANALYZE_SERVER : slot.server));
          if (counted) scheduleWarmChild();
          const mine = child;
          mine.onExit = () => {
            refusedFromGone += mine.refusedMessages;
            if (slot.child === mine) {
              slot.child = null;
              if (!slot.starting) release(slot);
            }
            roomChanged();
          };
          await mine.ready;
          if (closed) throw new SandboxClosedError('the sandbox is closed');
          slot.child = mine;
          slot.calls = 0;
          return mine;
        } catch (error) {
          if (child) await child.stop();
          release(slot);
          throw error;
        }
      })().finally(() => {
        slot.starting = null;
      });
    }
    return slot.starting;
  }

  function scheduleIdleStop(slot: ServerSlot): void {
    clearTimeout(slot.idleTimer);
    if (slot.pending > 0) return;
    if (!slot.child) {
      forgetIfUnused(slot);
      return;
    }
    slot.idleTimer = setTimeout(() => {
      if (slot.pending === 0) {
        log.debug({ slot: slot.key }, 'stopping idle sandbox');
        void stopSlot(slot).then(() => forgetIfUnused(slot));
      }
    }, slot.kind === 'draft' ? draftIdleMs : idleMs);
    slot.idleTimer.unref();
  }

  /** Queue `work` behind the slot's earlier calls (one call at a time per server). */
  function enqueue<T>(slot: ServerSlot, work: () => Promise<T>): Promise<T> {
    slot.pending++;
    clearTimeout(slot.idleTimer);
    const result = slot.tail.then(work);
    slot.tail = result.catch(() => {});
    return result.finally(() => {
      slot.pending--;
      slot.lastUsed = Date.now();
      scheduleIdleStop(slot);
      roomChanged();
    });
  }

  /** Stop the slot's child and give up its place under the caps once the process is gone. */
  async function stopSlot(slot: ServerSlot): Promise<void> {
    clearTimeout(slot.idleTimer);
    const starting = slot.starting;
    if (starting) await starting.catch(() => {});
    await retireChild(slot);
    if (!slot.starting) release(slot);
  }

  /** Stop the slot's child but keep its place (a draft child replaced by a fresh one for the next test). */
  async function retireChild(slot: ServerSlot): Promise<void> {
    if (slot.stopping) return slot.stopping;
    const child = slot.child;
    if (!child) return;
    slot.child = null;
    slot.stopping = child.stop().finally(() => { slot.stopping = null; });
    return slot.stopping;
  }

  /** A draft child is fresh for each branch head and for at most DRAFT_CALLS_PER_CHILD tests. */
  async function freshenDraft(slot: ServerSlot, head: string | undefined): Promise<void> {
    if (slot.child && (slot.calls >= DRAFT_CALLS_PER_CHILD || (head !== undefined && slot.head !== undefined && head !== slot.head))) {
      log.debug({ slot: slot.key, calls: slot.calls }, 'replacing a draft sandbox child with a fresh one');
      await retireChild(slot);
    }
    slot.head = head;
  }

  async function analyzeChunk(codes: string[]): Promise<Analysis[]> {
    const slot = slotOf(ANALYZE_SERVER, 'analyze');
    try {
      return await enqueue(slot, async () => (await ensureChild(slot)).analyze(codes, ANALYZE_TIMEOUT_MS));
    } catch (error) {
      if (!(error instanceof AnalyzerFailedError)) throw error;
      // One hostile source must not fail its whole batch: retry one by one to find it.
      if (codes.length > 1) {
        const out: Analysis[] = [];
        for (const code of codes) out.push(...(await analyzeChunk([code])));
        return out;
      }
      return [{
        valid: false,
        errors: [{ line: 1, col: 1, message: 'the analyzer could not process this source (it exhausted the parser, e.g. an expression nested or chained too deeply); simplify it' }],
        input_schema: { type: 'object', properties: {} }, description: '', imports: [],
        failure: { kind: 'analyzer_crashed', detail: error.message.slice(0, 500) },
      }];
    }
  }

  async function analyzeMany(codes: string[]): Promise<Analysis[]> {
    const out: Analysis[] = new Array(codes.length);
    let batch: number[] = [];
    let batchChars = 0;
    const flush = async (): Promise<void> => {
      if (!batch.length) return;
      const indexes = batch;
      batch = [];
      batchChars = 0;
      const results = await analyzeChunk(indexes.map((i) => codes[i]!));
      indexes.forEach((i, k) => { out[i] = results[k]!; });
    };
    for (let i = 0; i < codes.length; i++) {
      const code = codes[i];
      if (typeof code !== 'string' || code.length > MAX_CODE_CHARS) {
        out[i] = {
          valid: false,
          errors: [{ line: 1, col: 1, message: typeof code !== 'string' ? 'the source is not text' : `the source is longer than ${MAX_CODE_CHARS} characters; split the tool` }],
          input_schema: { type: 'object', properties: {} }, description: '', imports: [],
        };
        continue;
      }
      if (batch.length >= ANALYZE_CHUNK || batchChars + code.length > ANALYZE_BATCH_CHARS) await flush();
      batch.push(i);
      batchChars += code.length;
    }
    await flush();
    return out;
  }

  return {
    networkNamespace: netns,

    async analyze(code: string): Promise<Analysis> {
      return (await analyzeMany([code]))[0]!;
    },

    analyzeMany,

    async run(request: RunRequest): Promise<RunResult> {
      const parsed = RunRequestSchema.safeParse(request);
      if (!parsed.success) {
        const where = parsed.error.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`).join('; ');
        throw new SandboxInputError(`invalid run request (${where}); fix these fields and call again`);
      }
      const req = parsed.data;
      const timeoutMs = Math.min(Math.max(req.timeoutMs ?? DEFAULT_TIMEOUT_MS, 1), MAX_TIMEOUT_MS);
      const allowedModules = [...effectiveModules(req.policy.allowedModules)];
      const slot = slotOf(req.server, req.domain);
      return enqueue(slot, async () => {
        if (req.domain.kind === 'draft') await freshenDraft(slot, req.domain.head);
        const child = await ensureChild(slot);
        slot.calls++;
        return child.run({
          tool: req.tool, code: req.code, args: req.args, secrets: req.secrets ?? {}, allowedModules,
          grants: req.policy.grants, timeoutMs, graceMs, heapCapBytes: req.memoryMb === undefined ? heapCapBytes : req.memoryMb * 1048576,
        });
      });
    },

    async start(server: string): Promise<void> {
      const slot = slotOf(server, { kind: 'live' });
      await ensureChild(slot);
      scheduleIdleStop(slot);
    },

    async stop(server: string): Promise<void> {
      // The live child and every draft child of the server.
      await Promise.all([...slots.values()].filter((s) => s.kind !== 'analyze' && s.server === server).map((s) => stopSlot(s)));
    },

    async close(): Promise<void> {
      closed = true;
      roomChanged();
      clearTimeout(warmTimer);
      await warmSpawning;
      const spareChild = warm;
      warm = null;
      await spareChild?.stop();
      await Promise.all([...slots.values()].map((s) => stopSlot(s)));
    },

    async prestart(): Promise<void> {
      clearTimeout(warmTimer);
      warmTimer = undefined;
      spawnWarmChild();
      await warmSpawning;
      await warm?.booted;
    },

    livePids(): Record<string, number> {
      const out: Record<string, number> = {};
      for (const s of slots.values()) if (s.child?.alive && s.child.pid !== undefined) out[s.key] = s.child.pid;
      if (warm?.alive && warm.pid !== undefined) out[UNASSIGNED_SERVER] = warm.pid;
      return out;
    },

    refusedMessages(): number {
      let n = refusedFromGone;
      for (const s of slots.values()) if (s.child) n += s.child.refusedMessages;
      return n;
    },
  };
}
