// Options of `createSandbox` and the small interfaces it depends on (logger, network bridge), typed
// structurally so callers can pass pino and the real bridge without this file importing them.

import type { RunPolicy } from '../contract.ts';
import type { HttpRequest, HttpResponse } from '../network/types.ts';

export interface SandboxLog {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** What `createHttpBridge` returns; the sandbox only relays, the bridge applies grants and the SSRF guard. */
export interface HttpBridgeLike {
  request(server: string, grants: RunPolicy['grants'], req: HttpRequest, signal?: AbortSignal): Promise<HttpResponse>;
}

export interface SandboxOptions {
  /** `<dataDir>/cache/` receives the Pyodide snapshot. */
  dataDir: string;
  /** Where the snapshot lives; defaults to `<dataDir>/cache`. Tests share one to build it once. */
  cacheDir?: string;
  /**
   * Children serving calls at most, live and draft together (a hard cap: the analysis child and the one
   * pre-started warm child are not counted). To start one more, the least recently used idle child is
   * stopped; when none is idle the call waits up to `busyWaitMs`, then fails with SandboxBusyError. Default 16.
   */
  maxInstances?: number;
  /** Of `maxInstances`, draft-test children at most (capped at `maxInstances`). Default 2. */
  maxDraftInstances?: number;
  /** A live server child with no call for this long is stopped. Default 5 minutes. */
  idleMs?: number;
  /** A draft child with no test for this long is stopped. Default 60 s. */
  draftIdleMs?: number;
  /** How long a call waits for a place under a full cap before SandboxBusyError. Default 2 s. */
  busyWaitMs?: number;
  log?: SandboxLog;
  /** The network bridge; without one, `http` calls fail with a clear message. */
  httpBridge?: HttpBridgeLike;
  /** Wasm heap cap of a call that names none (RunRequest.memoryMb); MemoryError beyond it. Default 256 MiB. */
  heapCapBytes?: number;
  /** Replace an instance whose heap grew past this after a call. Default 160 MiB. */
  recycleBytes?: number;
  /** Between the soft interrupt and terminating the Python worker. Default 400 ms. */
  graceMs?: number;
  /** Keep a warm spare Python worker in each child to hide respawns. Default true. */
  spareWorker?: boolean;
  /**
   * Check after every call that it left nothing running and changed no shared interpreter state,
   * replacing the interpreter when it did. Default true; off only for a benchmark's baseline.
   */
  callHygiene?: boolean;
  /**
   * Keep one pre-started child that the next server to start adopts (hides cold starts, also after a
   * crash). Costs one idle child's memory. Default true.
   */
  warmChild?: boolean;
  /** Run children in their own user + network namespace when the OS allows it. Default true. */
  networkNamespace?: boolean;
}

/** Used when no logger is given: warnings and errors still reach the operator. */
export const stderrLog: SandboxLog = {
  debug() {},
  info() {},
  warn(obj, msg) { process.stderr.write(`[sandbox] ${msg} ${JSON.stringify(obj)}\n`); },
  error(obj, msg) { process.stderr.write(`[sandbox] ${msg} ${JSON.stringify(obj)}\n`); },
};
