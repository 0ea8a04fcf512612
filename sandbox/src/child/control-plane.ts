// The control plane of a sandbox child (its main thread): it validates what the parent sends, runs
// one call at a time on the active Pyodide worker, enforces the time limit (interrupt → cancel →
// terminate), relays the tool's HTTP requests to the parent, redacts secrets, and keeps a warm spare
// worker to replace a killed, crashed or bloated one without a cold start. No tool code ever runs on
// this thread. Loaded by control.ts once the first worker is booting.

import net from 'node:net';
import * as z from 'zod';
import { openLineChannel } from '../ipc/line-channel.ts';
import {
  AnalysisSchema, HttpRequestEnvelopeSchema, ParentMessageSchema, STDOUT_MESSAGE_LIMIT_CHARS,
  type ChildMessage, type ParentMessage, type RunMessage,
} from '../ipc/messages.ts';
import { ERROR_MESSAGE_LIMIT_CHARS, ERROR_TYPE_LIMIT_CHARS, TRACEBACK_LIMIT_CHARS } from '../limits.ts';
import { redactText, redactValue, secretNeedles } from '../secrets/redact.ts';
import { ChildConfigSchema, type ChildConfig } from './child-config.ts';
import { launchWorker, type LaunchedWorker, type WorkerInputs } from './worker-launcher.ts';
import { RunOutcomeSchema, WorkerToControlSchema, type ControlToWorker } from './worker-protocol.ts';

interface WorkerSlot {
  worker: LaunchedWorker['worker'];
  interrupt: Uint8Array;
  ready: Promise<void>;
  isReady: boolean;
  dead: boolean;
  /** The wasm heap as the worker last reported it (it only grows). */
  heapBytes: number;
  onDone?: (message: z.infer<typeof WorkerToControlSchema>) => void;
}

export function runControlPlane(rawConfig: unknown, inputs: WorkerInputs, firstWorker: LaunchedWorker): void {
  const config: ChildConfig = ChildConfigSchema.parse(rawConfig);

  const parentSocket = new net.Socket({ fd: 3, readable: true, writable: true });
  // The parent is gone (crashed, killed, exited without close()): never linger as an orphan.
  parentSocket.on('end', () => process.exit(0));
  parentSocket.on('close', () => process.exit(0));
  const channel = openLineChannel<ParentMessage, ChildMessage>({
    stream: parentSocket,
    schema: ParentMessageSchema,
    maxBytes: config.maxMessageBytes,
    onMessage: (message) => onParentMessage(message),
    onViolation: (violation) => {
      process.stderr.write(`refused message from parent: ${JSON.stringify(violation).slice(0, 300)}\n`);
      if (violation.kind === 'oversize') process.exit(70);
    },
  });
  const emit = (message: ChildMessage): void => {
    try {
      channel.send(message);
    } catch (error) {
      process.stderr.write(`could not send ${message.type}: ${(error as Error).message}\n`);
      // A result that does not fit the frame (heavily escaped text) still gets an answer.
      if (message.type === 'result') {
        emit({
          type: 'result', callId: message.callId, result: null, stdout: '', duration_ms: message.duration_ms, heapBytes: message.heapBytes,
          error: { type: 'ResultError', message: 'the result and printed output together are too large to return once encoded; return or print less' },
        });
      }
    }
  };

  // ---- worker slots ----

  function startWorker(launched: LaunchedWorker = launchWorker(inputs)): WorkerSlot {
    let markReady!: () => void;
    let markFailed!: (e: Error) => void;
    const slot: WorkerSlot = {
      worker: launched.worker, interrupt: launched.interrupt, isReady: false, dead: false, heapBytes: 0,
      ready: new Promise<void>((resolve, reject) => { markReady = resolve; markFailed = reject; }),
    };
    slot.ready.catch(() => {});
    launched.attach((raw: unknown) => {
      const checked = WorkerToControlSchema.safeParse(raw);
      if (!checked.success) {
        emit({ type: 'event', name: 'worker_refused_message', detail: 'a worker sent a message that is not in the protocol; ignored' });
        return;
      }
      const message = checked.data;
      if (message.type === 'ready' || message.type === 'done') slot.heapBytes = message.heapBytes;
      if (message.type === 'ready') {
        slot.isReady = true;
        markReady();
      } else if (message.type === 'http') {
        onWorkerHttp(slot, message.callId, message.reqId, message.requestJson);
      } else {
        slot.onDone?.(message);
      }
    }, (error) => {
      slot.dead = true;
      markFailed(new Error('the Python worker exited while starting'));
      onWorkerExit(slot, error);
    });
    return slot;
  }

  let active: WorkerSlot = startWorker(firstWorker);
  let spare: WorkerSlot | null = null;

  // The parent hears once that the first spare is ready too: from then on the child's boot no longer
  // competes with its calls for the CPU (the pool's prestart waits for it).
  let spareAnnounced = false;
  function announceSpare(): void {
    if (spareAnnounced) return;
    spareAnnounced = true;
    emit({ type: 'event', name: 'spare_ready', detail: config.spare ? 'the spare Python worker is ready' : 'this child keeps no spare' });
  }

  function ensureSpare(): void {
    if (config.spare && !spare) {
      const started = startWorker();
      spare = started;
      started.ready.then(announceSpare, () => {});
    } else if (!config.spare) {
      announceSpare();
    }
  }

  /** Replace the active worker (killed, crashed or bloated) with the spare, and warm a new spare. */
  function replaceActive(reason: string, name: 'worker_replaced' | 'worker_recycled'): void {
    const old = active;
    old.onDone = undefined;
    if (!old.dead) void old.worker.terminate();
    active = spare && !spare.dead ? spare : startWorker();
    spare = null;
    emit({ type: 'event', name, detail: reason.slice(0, 900) });
    // Start the new spare once the promoted worker is ready, so they don't compete for the CPU.
    active.ready.then(ensureSpare, ensureSpare);
  }

  function onWorkerExit(slot: WorkerSlot, error: string | undefined): void {
    if (slot === spare) {
      spare = null;
      return;
    }
    if (slot !== active) return;
    if (!slot.isReady) {
      // A worker that dies before it is ready will not do better next time: let the parent decide.
      process.stderr.write('the Python worker exited before it was ready\n');
      process.exit(71);
    }
    if (current && current.slot === slot) {
      finishWithError(current, crashOutcome(error) ?? {
        type: 'SandboxCrash',
        message: 'the tool ended its Python runtime (for example with os._exit or a fatal error); the runtime was restarted',
      });
    }
    replaceActive('the active worker exited', 'worker_replaced');
  }

  // ---- calls ----

  /** A crash with a known cause, told as that cause. */
  function crashOutcome(error: string | undefined): { type: string; message: string } | undefined {
    // CPython's RecursionError watches emscripten's stack; WebAssembly frames also use the thread's
    // own stack, which runs out first once C-level recursion (repr, ==, json, freeing) passes a few
    // thousand levels. The interpreter cannot survive that, so the caller is told what happened.
    if (error !== undefined && /Maximum call stack size exceeded/.test(error)) {
      return {
        type: 'RecursionError',
        message: 'the tool nested data or calls too deeply for the sandbox (printing, comparing, encoding or freeing ' +
          'containers nested more than a few thousand levels); the Python runtime was restarted. Keep nesting shallower.',
      };
    }
    return undefined;
  }

  interface CurrentCall {
    callId: number;
    kind: 'run' | 'analyze';
    slot: WorkerSlot;
    needles: string[];
    started: number;
    timers: NodeJS.Timeout[];
    timeoutMs: number;
    httpRequests: Map<number, number>; // control reqId → worker reqId
  }
  let current: CurrentCall | null = null;
  let nextControlReqId = 1;
  const queue: ParentMessage[] = [];

  function onParentMessage(message: ParentMessage): void {
    switch (message.type) {
      case 'run':
      case 'analyze':
        queue.push(message);
        void pump();
        break;
      case 'http_result': {
        if (!current || current.callId !== message.callId) return;
        const workerReqId = current.httpRequests.get(message.reqId);
        if (workerReqId === undefined) return;
        current.httpRequests.delete(message.reqId);
        const reply = message.response
          ? { ok: true, response: message.response }
          : { ok: false, error: message.error ?? { code: 'failed', message: 'request failed' } };
        const post: ControlToWorker = { type: 'http_result', reqId: workerReqId, replyJson: JSON.stringify(reply) };
        current.slot.worker.postMessage(post);
        break;
      }
      case 'shutdown':
        process.exit(0);
    }
  }

  let pumping = false;
  async function pump(): Promise<void> {
    if (pumping || current) return;
    pumping = true;
    try {
      while (!current && queue.length) {
        const next = queue.shift()!;
        if (next.type !== 'run' && next.type !== 'analyze') continue;
        // The active worker may be a just-promoted one still booting (or be replaced while we wait).
        while (!active.isReady) await active.ready.catch(() => {});
        // Memory never shrinks: a heap already past this call's cap (an earlier call ran under a
        // larger one) would give the call more than it may have, so it runs on a fresh interpreter.
        if (next.type === 'run' && active.heapBytes > next.heapCapBytes) {
          replaceActive(`heap of ${Math.round(active.heapBytes / 1048576)} MiB is above the next call's cap of ${Math.round(next.heapCapBytes / 1048576)} MiB`, 'worker_recycled');
          while (!active.isReady) await active.ready.catch(() => {});
        }
        if (next.type === 'run') startRun(next, active);
        else startAnalyze(next.callId, next.codes, active);
      }
    } finally {
      pumping = false;
    }
  }

  function armTimers(call: CurrentCall): void {
    const soft = setTimeout(() => {
      // Soft: SIGINT through the shared byte (stops bytecode, regex, bigint maths) plus a task cancel
      // (stops code awaiting asyncio). Hard, after the grace: C loops ignore both.
      call.slot.interrupt[0] = 2;
      call.slot.worker.postMessage({ type: 'cancel', callId: call.callId } satisfies ControlToWorker);
      const hard = setTimeout(() => {
        if (current !== call) return;
        finishWithError(call, {
          type: 'TimeoutError',
          message: `the tool exceeded its time limit of ${call.timeoutMs} ms and did not stop when interrupted ` +
            '(a long-running C operation); its Python instance was replaced',
        });
        replaceActive('hard timeout', 'worker_replaced');
      }, config.graceMs);
      call.timers.push(hard);
    }, call.timeoutMs);
    call.timers.push(soft);
  }

  function startRun(message: RunMessage, slot: WorkerSlot): void {
    const call: CurrentCall = {
      callId: message.callId, kind: 'run', slot, needles: secretNeedles(message.secrets), started: performance.now(),
      timers: [], timeoutMs: message.timeoutMs, httpRequests: new Map(),
    };
    current = call;
    slot.interrupt[0] = 0;
    slot.onDone = (done) => {
      if (done.type !== 'done' || done.callId !== call.callId || current !== call) return;
      if (done.fatal !== undefined || done.outcomeJson === undefined) {
        finishWithError(call, crashOutcome(done.fatal) ?? { type: 'SandboxCrash', message: 'the Python runtime failed during the call and was restarted' });
        replaceActive(`fatal: ${done.fatal ?? 'no outcome'}`, 'worker_replaced');
        return;
      }
      let outcome: z.infer<typeof RunOutcomeSchema>;
      try {
        outcome = RunOutcomeSchema.parse(JSON.parse(done.outcomeJson));
      } catch {
        finishWithError(call, { type: 'SandboxError', message: 'the runtime returned a malformed outcome; the instance was restarted' });
        replaceActive('malformed outcome', 'worker_replaced');
        return;
      }
      const n = call.needles;
      // Decide about recycling first, so the event reaches the parent before the result does, and
      // the next call (queued behind this one) runs on the promoted spare.
      if (outcome.dirty !== undefined) {
        replaceActive(`the call left state behind: ${outcome.dirty}`, 'worker_recycled');
      } else if (done.heapBytes > config.recycleBytes) {
        replaceActive(`heap grew to ${Math.round(done.heapBytes / 1048576)} MiB`, 'worker_recycled');
      }
      // Limits apply to what is sent, i.e. after redaction (a redaction marker may be longer than
      // the secret it replaces).
      const stdout = capText(redactText(outcome.stdout, n), STDOUT_MESSAGE_LIMIT_CHARS);
      finish(call, outcome.ok
        ? { type: 'result', callId: call.callId, result: redactValue(outcome.result, n), stdout, duration_ms: outcome.duration_ms, heapBytes: done.heapBytes }
        : {
          type: 'result', callId: call.callId, result: null, stdout, duration_ms: outcome.duration_ms, heapBytes: done.heapBytes,
          error: capError(redactValue(outcome.error, n) as typeof outcome.error),
        });
    };
    armTimers(call);
    const post: ControlToWorker = {
      type: 'run', callId: message.callId, server: message.server, code: message.code, argsJson: JSON.stringify(message.args),
      secretsJson: JSON.stringify(message.secrets), allowedJson: JSON.stringify(message.allowedModules), heapCapBytes: message.heapCapBytes,
    };
    slot.worker.postMessage(post);
  }

  function startAnalyze(callId: number, codes: string[], slot: WorkerSlot): void {
    const call: CurrentCall = {
      callId, kind: 'analyze', slot, needles: [], started: performance.now(), timers: [],
      timeoutMs: config.analyzeTimeoutMs, httpRequests: new Map(),
    };
    current = call;
    slot.interrupt[0] = 0;
    slot.onDone = (done) => {
      if (done.type !== 'analysis' || done.callId !== callId || current !== call) return;
      const parsed = z.array(AnalysisSchema).safeParse(done.analysesJson ? JSON.parse(done.analysesJson) : null);
      if (!parsed.success || parsed.data.length !== codes.length) {
        finishAnalysisFailure(call, 0, 'the analyzer failed; its instance was restarted');
        replaceActive('analyzer failure', 'worker_replaced');
        return;
      }
      finish(call, { type: 'analysis', callId, analyses: parsed.data });
    };
    armTimers(call);
    slot.worker.postMessage({ type: 'analyze', callId, codesJson: JSON.stringify(codes) } satisfies ControlToWorker);
  }

  function capError(error: { type: string; message: string; line?: number; traceback?: string }): typeof error {
    const capped = { ...error, type: capText(error.type, ERROR_TYPE_LIMIT_CHARS), message: capText(error.message, ERROR_MESSAGE_LIMIT_CHARS) };
    if (error.traceback !== undefined) capped.traceback = capText(error.traceback, TRACEBACK_LIMIT_CHARS);
    return capped;
  }

  function finishAnalysisFailure(call: CurrentCall, count: number, message: string): void {
    const failed = { valid: false, errors: [{ line: 1, col: 1, message }], input_schema: { type: 'object', properties: {} }, description: '', imports: [] };
    finish(call, { type: 'analysis', callId: call.callId, analyses: Array.from({ length: count }, () => failed) });
  }

  function finishWithError(call: CurrentCall, error: { type: string; message: string }): void {
    if (call.kind === 'analyze') {
      finishAnalysisFailure(call, 0, error.message);
      return;
    }
    finish(call, {
      type: 'result', callId: call.callId, result: null, stdout: '', error,
      duration_ms: performance.now() - call.started, heapBytes: 0,
    });
  }

  function finish(call: CurrentCall, message: ChildMessage): void {
    if (current !== call) return;
    for (const t of call.timers) clearTimeout(t);
    call.slot.onDone = undefined;
    current = null;
    emit(message);
    void pump();
  }

  function onWorkerHttp(slot: WorkerSlot, callId: number, workerReqId: number, requestJson: string): void {
    const call = current;
    const refuse = (message: string) => slot.worker.postMessage({
      type: 'http_result', reqId: workerReqId, replyJson: JSON.stringify({ ok: false, error: { code: 'bad_request', message } }),
    } satisfies ControlToWorker);
    if (!call || call.slot !== slot || call.kind !== 'run') return refuse('network requests are only possible during a tool call');
    // A request is relayed under the grants of the call that made it, never of whichever call runs now.
    if (call.callId !== callId) return refuse('network requests are only possible during the tool call that made them');
    let req: z.infer<typeof HttpRequestEnvelopeSchema>;
    try {
      req = HttpRequestEnvelopeSchema.parse(JSON.parse(requestJson));
    } catch (error) {
      const detail = error instanceof z.ZodError ? error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') : 'not JSON';
      return refuse(`malformed HTTP request (${detail.slice(0, 300)})`);
    }
    const reqId = nextControlReqId++;
    call.httpRequests.set(reqId, workerReqId);
    emit({ type: 'http', callId: call.callId, reqId, req });
  }

  // ---- start ----

  active.ready.then(
    () => {
      emit({ type: 'ready', heapBytes: 0 });
      ensureSpare();
    },
    (error: Error) => {
      process.stderr.write(`the Python worker failed to start: ${error.message}\n`);
      process.exit(71);
    },
  );
}

/** `text` cut to `limit` characters, saying so at the end when it was cut. */
function capText(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const marker = `… [cut at ${limit} characters]`;
  return text.slice(0, Math.max(0, limit - marker.length)) + marker;
}
