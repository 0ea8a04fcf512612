// Messages between the child's control thread and its Pyodide worker threads. The control thread
// treats the worker as untrusted (tool code runs there), so it validates what comes back with
// `WorkerToControlSchema`; what it sends is built by itself.

import * as z from 'zod';
import { MAX_IPC_MESSAGE_BYTES } from '../limits.ts';

export interface WorkerBoot {
  pyodideDir: string; // with trailing slash
  pyodideModuleUrl: string;
  snapshot: Uint8Array; // backed by a SharedArrayBuffer, shared by all workers of the child
  wasmModule: object; // a WebAssembly.Module, compiled once per child
  interruptBuffer: Uint8Array; // one byte on a SharedArrayBuffer; 2 = SIGINT
  /** The heap cap until a call sets its own (analysis runs under it). */
  heapCapBytes: number;
  /** Check after every call that it left nothing behind (off only for the benchmark's baseline). */
  hygiene: boolean;
}

export type ControlToWorker =
  | { type: 'run'; callId: number; server: string; code: string; argsJson: string; secretsJson: string; allowedJson: string; heapCapBytes: number }
  | { type: 'cancel'; callId: number }
  | { type: 'analyze'; callId: number; codesJson: string }
  | { type: 'http_result'; reqId: number; replyJson: string };

const id = z.number().int().positive();
export const WorkerToControlSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('ready'), heapBytes: z.number().int().nonnegative() }),
  z.strictObject({
    type: z.literal('done'),
    callId: id,
    outcomeJson: z.string().max(8 * 1024 * 1024).optional(),
    fatal: z.string().max(1000).optional(),
    heapBytes: z.number().int().nonnegative(),
  }),
  z.strictObject({
    type: z.literal('analysis'),
    callId: id,
    analysesJson: z.string().max(8 * 1024 * 1024).optional(),
    fatal: z.string().max(1000).optional(),
  }),
  // Size-checked by the worker (clear refusal) and by the control plane's HttpRequestEnvelopeSchema; this bound
  // only keeps a forged message from costing memory.
  z.strictObject({ type: z.literal('http'), callId: id, reqId: id, requestJson: z.string().max(MAX_IPC_MESSAGE_BYTES) }),
]);
export type WorkerToControl = z.infer<typeof WorkerToControlSchema>;

/** What finish_call returns (as JSON) — validated before anything is forwarded to the parent. */
export const RunOutcomeSchema = z.union([
  z.strictObject({ ok: z.literal(true), result: z.unknown(), stdout: z.string(), duration_ms: z.number(), dirty: z.string().max(900).optional() }),
  z.strictObject({
    ok: z.literal(false),
    error: z.strictObject({
      type: z.string(),
      message: z.string(),
      line: z.number().int().optional(),
      traceback: z.string().optional(),
    }),
    stdout: z.string(),
    duration_ms: z.number(),
    dirty: z.string().max(900).optional(),
  }),
]);
