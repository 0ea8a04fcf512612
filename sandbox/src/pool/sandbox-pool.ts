// createSandbox: the pool of sandbox children behind the `Sandbox` contract. One child per MCP server
// (trust domain), started lazily on its first call, queued one call at a time, stopped when idle or
// when the global cap needs room (least recently used first). Analysis runs in its own child.

import path from 'node:path';
import * as z from 'zod';
import type { Analysis, RunRequest, RunResult, Sandbox } from '../contract.ts';
import {
  ANALYZE_CHUNK, DEFAULT_HEAP_CAP_BYTES, DEFAULT_HEAP_RECYCLE_BYTES, DEFAULT_IDLE_MS, DEFAULT_MAX_INSTANCES,
  DEFAULT_TIMEOUT_MS, HARD_KILL_GRACE_MS, MAX_CODE_CHARS, MAX_IPC_MESSAGE_BYTES, MAX_TIMEOUT_MS,
} from '../limits.ts';
import { SAFE_MODULES } from '../policy/safe-modules.ts';
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

const ANALYZE_SERVER = '(analyze)';
const ANALYZE_TIMEOUT_MS = 20_000;
const ANALYZE_BATCH_CHARS = 4 * 1024 * 1024;

const RunRequestSchema = z.object({
  server: z.string().min(1).max(100),
  tool: z.string().min(1).max(200),
  code: z.string().max(MAX_CODE_CHARS, `the tool's source is longer than ${MAX_CODE_CHARS} characters`),
  args: z.record(z.string(), z.unknown()),
  timeoutMs: z.number().int().positive().optional(),
  secrets: z.record(z.string(), z.string()).optional(),
  policy: z.object({
    allowedModules: z.array(z.string().max(200)).max(1000),
    grants: z.array(z.object({ host: z.string(), port: z.number().int().optional() })),
  }),
});

/** The contract plus what operators and the reconciler need beyond it. */
export interface SandboxPool extends Sandbox {
  /** Analyze many sources in one go (the reconciler may check thousands of tools). */
  analyzeMany(codes: string[]): Promise<Analysis[]>;
  /** Whether children run in their own network namespace (false: a JS-level escape could reach the network). */
  readonly networkNamespace: boolean;
  /** PIDs of live children by server (`(analyze)` and the pre-started `(warm)` included), for status pages and tests. */
  livePids(): Record<string, number>;
  /** Messages refused from children so far (forged IPC, protocol violations). */
  refusedMessages(): number;
}

interface ServerSlot {
  name: string;
  child: SandboxChild | null;
  starting: Promise<SandboxChild> | null;
  tail: Promise<unknown>; // calls queue behind this
  pending: number;
  lastUsed: number;
  idleTimer?: NodeJS.Timeout;
}

export function createSandbox(options: SandboxOptions): SandboxPool {
  const log = options.log ?? stderrLog;
  const cacheDir = path.resolve(options.cacheDir ?? path.join(options.dataDir, 'cache'));
  const maxInstances = options.maxInstances ?? DEFAULT_MAX_INSTANCES;
  const idleMs = options.idleMs ?? DEFAULT_IDLE_MS;
  const graceMs = options.graceMs ?? HARD_KILL_GRACE_MS;
  const heapCapBytes = options.heapCapBytes ?? DEFAULT_HEAP_CAP_BYTES;
  const useNetns = options.networkNamespace ?? true;
  const netns = useNetns && unshareCommand() !== null;
  if (useNetns && !netns) {
    log.warn({}, 'unshare --user --net is not available on this OS: sandbox children share the host network namespace, ' +
      'so a JavaScript-level escape could open sockets (Python-level sockets stay blocked by the wasm firewall)');
  }
  const slots = new Map<string, ServerSlot>();
  // One pre-started child, not yet bound to any server, that the next server to start adopts: it
  // hides the cold start (spawn + snapshot load + netns) for new servers and after a child crash.
  const useWarmChild = options.warmChild ?? true;
  let warm: SandboxChild | null = null;
  let warmTimer: NodeJS.Timeout | undefined;
  let warmSpawning: Promise<void> | null = null; // awaited by close() so no child outlives it
  let refusedFromGone = 0;
  let closed = false;

  function slotOf(name: string): ServerSlot {
    let slot = slots.get(name);
    if (!slot) {
      slot = { name, child: null, starting: null, tail: Promise.resolve(), pending: 0, lastUsed: Date.now() };
      slots.set(name, slot);
    }
    return slot;
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
    };
    const line = spawnLine({
      entry: files.controlEntry,
      entryArg: JSON.stringify(config),
      readable: [...files.readable, snapshotPath],
      allowWorker: true,
      wasmMaxBytes: heapCapBytes * 2,
      useNetns,
      cwd: files.pyodideDir,
    });
    return new SandboxChild({ server: name, line, maxMessageBytes: MAX_IPC_MESSAGE_BYTES, log, bridge: options.httpBridge });
  }

  function liveServerCount(except: ServerSlot): number {
    let n = 0;
    for (const s of slots.values()) if (s !== except && s.name !== ANALYZE_SERVER && (s.child?.alive || s.starting)) n++;
    return n;
  }

  /** Stop least-recently-used idle servers until `newcomer` fits under maxInstances. */
  async function makeRoom(newcomer: ServerSlot): Promise<void> {
    while (liveServerCount(newcomer) >= maxInstances) {
      const idle = [...slots.values()]
        .filter((s) => s.name !== ANALYZE_SERVER && s.child?.alive && s.pending === 0 && !s.starting)
        .sort((a, b) => a.lastUsed - b.lastUsed);
      const victim = idle[0];
      if (!victim) {
        log.warn({ maxInstances }, 'every live sandbox is busy; starting one more than maxInstances');
        return;
      }
      log.info({ server: victim.name }, 'stopping the least recently used sandbox to stay within maxInstances');
      await stopSlot(victim);
    }
  }

  /** Start the next warm child a little later, so its boot does not compete with the call at hand. */
  function scheduleWarmChild(delayMs = 300): void {
    if (!useWarmChild || closed || warm || warmTimer) return;
    warmTimer = setTimeout(() => {
      warmTimer = undefined;
      if (closed || warm || warmSpawning) return;
      warmSpawning = spawnChild(UNASSIGNED_SERVER).then(async (child) => {
        if (closed) return child.stop();
        warm = child;
        child.onExit = () => { if (warm === child) warm = null; };
        child.ready.catch(() => child.kill('warm child failed to start'));
      }, (error: Error) => log.warn({ error: error.message }, 'could not pre-start a sandbox child'))
        .finally(() => { warmSpawning = null; });
    }, delayMs);
    warmTimer.unref();
  }

  /** The warm child if it is ready now (never wait for it: a fresh spawn may be as fast). */
  function takeWarmChild(): SandboxChild | null {
    const child = warm;
    if (!child || !child.alive || !child.isReady) return null;
    warm = null;
    child.onExit = undefined;
    return child;
  }

  function ensureChild(slot: ServerSlot): Promise<SandboxChild> {
    if (closed) return Promise.reject(new SandboxClosedError('the sandbox is closed'));
    if (slot.child?.alive) return Promise.resolve(slot.child);
    if (!slot.starting) {
      slot.starting = (async () => {
        const isServer = slot.name !== ANALYZE_SERVER;
        if (isServer) await makeRoom(slot);
        const adopted = isServer ? takeWarmChild() : null;
        if (adopted) adopted.adopt(slot.name);
        const child = adopted ?? (await spawnChild(slot.name));
        if (isServer) scheduleWarmChild();
        child.onExit = () => {
          refusedFromGone += child.refusedMessages;
          if (slot.child === child) slot.child = null;
        };
        try {
          await child.ready;
        } catch (error) {
          child.kill('failed to start');
          throw error;
        }
        slot.child = child;
        return child;
      })().finally(() => {
        slot.starting = null;
      });
    }
    return slot.starting;
  }

  function scheduleIdleStop(slot: ServerSlot): void {
    clearTimeout(slot.idleTimer);
    if (slot.pending > 0 || !slot.child) return;
    slot.idleTimer = setTimeout(() => {
      if (slot.pending === 0) {
        log.debug({ server: slot.name }, 'stopping idle sandbox');
        void stopSlot(slot);
      }
    }, idleMs);
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
    });
  }

  async function stopSlot(slot: ServerSlot): Promise<void> {
    clearTimeout(slot.idleTimer);
    const starting = slot.starting;
    if (starting) await starting.catch(() => {});
    const child = slot.child;
    slot.child = null;
    if (child) await child.stop();
  }

  async function analyzeChunk(codes: string[]): Promise<Analysis[]> {
    const slot = slotOf(ANALYZE_SERVER);
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
      const allowedModules = [...new Set([...SAFE_MODULES, ...req.policy.allowedModules])];
      const slot = slotOf(req.server);
      return enqueue(slot, async () => {
        const child = await ensureChild(slot);
        return child.run({
          tool: req.tool, code: req.code, args: req.args, secrets: req.secrets ?? {}, allowedModules,
          grants: req.policy.grants, timeoutMs, graceMs,
        });
      });
    },

    async start(server: string): Promise<void> {
      await ensureChild(slotOf(server));
      scheduleIdleStop(slotOf(server));
    },

    async stop(server: string): Promise<void> {
      const slot = slots.get(server);
      if (slot) await stopSlot(slot);
    },

    async close(): Promise<void> {
      closed = true;
      clearTimeout(warmTimer);
      await warmSpawning;
      const spareChild = warm;
      warm = null;
      await spareChild?.stop();
      await Promise.all([...slots.values()].map((s) => stopSlot(s)));
    },

    livePids(): Record<string, number> {
      const out: Record<string, number> = {};
      for (const s of slots.values()) if (s.child?.alive && s.child.pid !== undefined) out[s.name] = s.child.pid;
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
