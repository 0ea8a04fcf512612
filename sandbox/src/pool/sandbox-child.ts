// The parent's handle on one sandbox child process. It speaks the framed protocol, runs one call at a
// time, relays the tool's HTTP requests to the network bridge under *this call's* grants, and treats
// everything the child says as hostile: a message that fails the schema, names a call that is not in
// flight, or asks for anything but the calls it may make is refused and logged, never acted on. If the
// child stops answering past the call's deadline it is SIGKILLed.

import { spawn, type ChildProcess } from 'node:child_process';
import type { Duplex } from 'node:stream';
import type { Analysis, RunPolicy, RunResult, ToolRunError } from '../contract.ts';
import { openLineChannel, type LineChannel } from '../ipc/line-channel.ts';
import type { ChildMessage, ParentMessage } from '../ipc/messages.ts';
import { ChildMessageSchema } from '../ipc/messages.ts';
import { CHILD_START_TIMEOUT_MS, CHILD_WEDGE_MARGIN_MS } from '../limits.ts';
import type { HttpRequest } from '../network/types.ts';
import { redactText, redactValue, secretNeedles } from '../secrets/redact.ts';
import type { HttpBridgeLike, SandboxLog } from './options.ts';
import type { SpawnLine } from '../child/spawn-line.ts';

export class SandboxStartError extends Error {
  readonly code = 'sandbox_start_failed';
}

/** The analyzer died on this batch (e.g. a source that exhausts the parser's stack). */
export class AnalyzerFailedError extends Error {
  readonly code = 'analyzer_failed';
}

class SandboxChildGoneError extends Error {
  readonly code = 'sandbox_child_gone';
}

interface InFlight {
  callId: number;
  kind: 'run' | 'analyze';
  resolve: (message: ChildMessage) => void;
  grants: RunPolicy['grants'];
  abort: AbortController;
  httpInFlight: number;
  wedgeTimer?: NodeJS.Timeout;
}

export interface RunCall {
  tool: string;
  code: string;
  args: Record<string, unknown>;
  secrets: Record<string, string>;
  allowedModules: string[];
  grants: RunPolicy['grants'];
  timeoutMs: number;
  graceMs: number;
  heapCapBytes: number;
}

const MAX_HTTP_IN_FLIGHT_PER_CALL = 8;

/** Name a pre-started child carries until a server adopts it. */
export const UNASSIGNED_SERVER = '(warm)';

export class SandboxChild {
  /** The trust domain this child serves; set once, before its first call. */
  server: string;
  readonly pid: number | undefined;
  readonly netns: boolean;
  private readonly process: ChildProcess;
  private readonly channel: LineChannel<ParentMessage>;
  private readonly log: SandboxLog;
  private readonly bridge: HttpBridgeLike | undefined;
  private inFlight: InFlight | null = null;
  private nextCallId = 1;
  private exited = false;
  private readonly exitPromise: Promise<void>;
  private readyResolve!: () => void;
  private readyReject!: (e: Error) => void;
  readonly ready: Promise<void>;
  /** Called once when the process is gone, whatever the reason. */
  onExit: (() => void) | undefined;
  refusedMessages = 0;
  /** True once the child reported ready (its first Python worker is loaded). */
  isReady = false;
  /** Resolves once the child's spare worker is loaded too (its whole boot is over), or it exited. */
  readonly booted: Promise<void>;
  private bootedResolve!: () => void;

  constructor(opts: { server: string; line: SpawnLine; maxMessageBytes: number; log: SandboxLog; bridge?: HttpBridgeLike }) {
    this.server = opts.server;
    this.log = opts.log;
    this.bridge = opts.bridge;
    this.netns = opts.line.netns;
    this.ready = new Promise<void>((resolve, reject) => {
      this.readyResolve = resolve;
      this.readyReject = reject;
    });
    this.ready.catch(() => {});
    this.booted = new Promise<void>((resolve) => { this.bootedResolve = resolve; });
    this.process = spawn(opts.line.command, opts.line.args, {
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'], env: {}, cwd: opts.line.cwd, detached: false,
    });
    this.pid = this.process.pid;
    const stderrTail: string[] = [];
    const keepTail = (chunk: Buffer): void => {
      stderrTail.push(chunk.toString('utf8'));
      while (stderrTail.join('').length > 8000) stderrTail.shift();
    };
    this.process.stdout?.on('data', keepTail);
    this.process.stderr?.on('data', keepTail);
    this.channel = openLineChannel<ChildMessage, ParentMessage>({
      stream: this.process.stdio[3] as Duplex,
      schema: ChildMessageSchema,
      maxBytes: opts.maxMessageBytes,
      onMessage: (message) => this.onMessage(message),
      onViolation: (violation) => {
        this.refuse(`${violation.kind}${'issues' in violation ? `: ${violation.issues}` : ''}`);
        if (violation.kind === 'oversize') this.kill('it sent an oversize message');
      },
    });
    const startTimer = setTimeout(() => {
      this.readyReject(new SandboxStartError(`the sandbox for server '${this.server}' did not start within ${CHILD_START_TIMEOUT_MS} ms`));
      this.kill('start timeout');
    }, CHILD_START_TIMEOUT_MS);
    this.exitPromise = new Promise<void>((resolve) => {
      this.process.on('exit', (code, signal) => {
        clearTimeout(startTimer);
        this.exited = true;
        this.bootedResolve();
        this.channel.close();
        const tail = stderrTail.join('').trim().slice(-1500);
        this.readyReject(new SandboxStartError(`the sandbox for server '${this.server}' exited while starting (code ${code}, signal ${signal})${tail ? `: ${tail}` : ''}`));
        const call = this.inFlight;
        if (call) {
          this.inFlight = null;
          clearTimeout(call.wedgeTimer);
          call.abort.abort();
          call.resolve({
            type: 'result', callId: call.callId, result: null, stdout: '', duration_ms: 0, heapBytes: 0,
            error: { type: 'SandboxCrash', message: `the sandbox process of server '${this.server}' ended during the call; it will be restarted on the next call` },
          });
        }
        this.log.debug({ server: this.server, code, signal }, 'sandbox child exited');
        this.onExit?.();
        resolve();
      });
    });
    this.process.on('error', (error) => this.readyReject(new SandboxStartError(`could not start the sandbox: ${error.message}`)));
    this.ready.then(() => clearTimeout(startTimer), () => clearTimeout(startTimer));
  }

  /**
   * Give a pre-started child (no call has run in it yet) to `server`. A child serves one server for
   * its whole life: it is never handed to another one after a call.
   */
  adopt(server: string): void {
    if (this.server !== UNASSIGNED_SERVER || this.nextCallId !== 1) throw new Error('a sandbox child serves one server for its whole life');
    this.server = server;
  }

  get alive(): boolean {
    return !this.exited;
  }

  get busy(): boolean {
    return this.inFlight !== null;
  }

  private refuse(reason: string): void {
    this.refusedMessages++;
    // A compromised child could flood us: log the first ones, then one in a thousand.
    if (this.refusedMessages <= 20 || this.refusedMessages % 1000 === 0) {
      this.log.warn({ server: this.server, reason: reason.slice(0, 500), refusedSoFar: this.refusedMessages }, 'refused a message from a sandbox child');
    }
  }

  private onMessage(message: ChildMessage): void {
    if (message.type === 'ready') {
      this.isReady = true;
      this.readyResolve();
      return;
    }
    if (message.type === 'event' && message.name === 'spare_ready') {
      this.bootedResolve();
      return;
    }
    if (message.type === 'event') {
      this.log.info({ server: this.server, detail: message.detail }, `sandbox ${message.name}`);
      return;
    }
    const call = this.inFlight;
    if (!call || call.callId !== message.callId) {
      this.refuse(`${message.type} for call ${message.callId}, which is not in flight`);
      return;
    }
    if (message.type === 'http') {
      if (call.kind !== 'run') return this.refuse('http request during analysis');
      void this.relayHttp(call, message.reqId, message.req);
      return;
    }
    if ((message.type === 'result') !== (call.kind === 'run')) {
      this.refuse(`${message.type} does not answer a ${call.kind} call`);
      return;
    }
    this.inFlight = null;
    clearTimeout(call.wedgeTimer);
    call.abort.abort();
    call.resolve(message);
  }

  private async relayHttp(call: InFlight, reqId: number, req: HttpRequest): Promise<void> {
    const reply = (payload: { response?: unknown; error?: { code: string; message: string } }): void => {
      if (this.inFlight !== call) return;
      this.send({ type: 'http_result', callId: call.callId, reqId, ...payload } as ParentMessage);
    };
    if (!this.bridge) return reply({ error: { code: 'unavailable', message: 'network access is not configured for this sandbox' } });
    if (call.httpInFlight >= MAX_HTTP_IN_FLIGHT_PER_CALL) {
      return reply({ error: { code: 'too_many_requests', message: `at most ${MAX_HTTP_IN_FLIGHT_PER_CALL} requests may be in flight per call` } });
    }
    call.httpInFlight++;
    try {
      const response = await this.bridge.request(this.server, call.grants, req, call.abort.signal);
      reply({ response });
    } catch (error) {
      const e = error as { code?: unknown; message?: unknown };
      reply({ error: { code: typeof e.code === 'string' ? e.code : 'failed', message: typeof e.message === 'string' ? e.message.slice(0, 3000) : 'request failed' } });
    } finally {
      call.httpInFlight--;
    }
  }

  private send(message: ParentMessage): void {
    this.channel.send(message);
  }

  private begin(kind: InFlight['kind'], grants: RunPolicy['grants'], deadlineMs: number): { call: InFlight; done: Promise<ChildMessage> } {
    if (this.exited) throw new SandboxChildGoneError(`the sandbox of server '${this.server}' is not running`);
    if (this.inFlight) throw new Error('one call at a time per sandbox child');
    let resolve!: (m: ChildMessage) => void;
    const done = new Promise<ChildMessage>((r) => { resolve = r; });
    const call: InFlight = { callId: this.nextCallId++, kind, resolve, grants, abort: new AbortController(), httpInFlight: 0 };
    call.wedgeTimer = setTimeout(() => {
      // The child's own hard kill should have answered long ago: its control thread is wedged.
      this.log.warn({ server: this.server }, 'sandbox child did not answer past its deadline; killing it');
      this.kill('wedged');
    }, deadlineMs);
    this.inFlight = call;
    return { call, done };
  }

  /** Forget a call whose request could not be sent (e.g. arguments over the IPC size limit). */
  private abandon(call: InFlight): void {
    clearTimeout(call.wedgeTimer);
    if (this.inFlight === call) this.inFlight = null;
  }

  async run(req: RunCall): Promise<RunResult> {
    const started = performance.now();
    const { call, done } = this.begin('run', req.grants, req.timeoutMs + req.graceMs + CHILD_WEDGE_MARGIN_MS);
    try {
      this.send({
        type: 'run', callId: call.callId, server: this.server, tool: req.tool, code: req.code, args: req.args, secrets: req.secrets,
        allowedModules: req.allowedModules, timeoutMs: req.timeoutMs, heapCapBytes: req.heapCapBytes,
      });
    } catch (error) {
      this.abandon(call);
      throw error;
    }
    const message = await done;
    if (message.type !== 'result') throw new Error('unreachable: run answered with ' + message.type);
    // Defence in depth: the child redacted already, but it may be compromised.
    const needles = secretNeedles(req.secrets);
    const out: RunResult = {
      result: redactValue(message.result ?? null, needles),
      stdout: redactText(message.stdout, needles),
      duration_ms: message.duration_ms || performance.now() - started,
      timeout_ms: req.timeoutMs,
    };
    if (message.error) out.error = redactValue(message.error, needles) as ToolRunError;
    return out;
  }

  async analyze(codes: string[], timeoutMs: number): Promise<Analysis[]> {
    const { call, done } = this.begin('analyze', [], timeoutMs + CHILD_WEDGE_MARGIN_MS * 2);
    try {
      this.send({ type: 'analyze', callId: call.callId, codes });
    } catch (error) {
      this.abandon(call);
      throw error;
    }
    const message = await done;
    if (message.type === 'analysis' && message.analyses.length === codes.length) return message.analyses;
    throw new AnalyzerFailedError(message.type === 'result' && message.error ? message.error.message : 'the analyzer failed');
  }

  kill(reason: string): void {
    if (this.exited) return;
    this.log.debug({ server: this.server, reason }, 'killing sandbox child');
    this.process.kill('SIGKILL');
  }

  /** Ask politely, then SIGKILL; resolves when the process is gone. */
  async stop(): Promise<void> {
    if (this.exited) return;
    try {
      this.send({ type: 'shutdown' });
    } catch {
      /* channel already closed */
    }
    const timer = setTimeout(() => this.kill('stop timeout'), 1000);
    await this.exitPromise;
    clearTimeout(timer);
  }

  get exitedPromise(): Promise<void> {
    return this.exitPromise;
  }
}
