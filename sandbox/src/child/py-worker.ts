// One Pyodide interpreter, in a worker thread of the sandbox child. The child's main thread (the
// control thread) owns timing: it can interrupt us through a shared byte or terminate us outright,
// which is why Python does not run on the control thread itself. Only plain strings cross between
// Python and the control thread.

import './permission-shim.ts';
import { parentPort, workerData } from 'node:worker_threads';
import { HTTP_REQUEST_BODY_LIMIT_CHARS } from '../limits.ts';
import { installCallScope, openCallScope, type CallScope } from './call-scope.ts';
import { installWasmFirewall } from './wasm-firewall.ts';
import type { ControlToWorker, WorkerBoot, WorkerToControl } from './worker-protocol.ts';

const boot = workerData as WorkerBoot;
const port = parentPort!;
const post = (message: WorkerToControl): void => port.postMessage(message);

installCallScope();
const firewall = installWasmFirewall({ maxHeapBytes: boot.heapCapBytes, precompiled: boot.wasmModule });

interface PyCallable {
  (...args: unknown[]): unknown;
  destroy?: () => void;
}
/** A PyProxy of an asyncio task: awaitable from JS, and its methods callable. */
interface PyTask extends PromiseLike<unknown> {
  cancel(): unknown;
  destroy(): void;
}
interface PyPair {
  get(index: number): PyTask | undefined;
  destroy(): void;
}
interface PyodideApi {
  globals: { get(name: string): PyCallable };
  runPython(code: string, opts?: { globals?: unknown; filename?: string }): unknown;
  setInterruptBuffer(buffer: Uint8Array): void;
  _module: { HEAPU8: Uint8Array };
  _api?: Record<string, unknown>;
  FS?: { filesystems?: Record<string, unknown> };
}

const { loadPyodide } = (await import(boot.pyodideModuleUrl)) as {
  loadPyodide: (opts: Record<string, unknown>) => Promise<PyodideApi>;
};
const py = await loadPyodide({
  indexURL: boot.pyodideDir,
  _loadSnapshot: boot.snapshot,
  jsglobals: Object.create(null),
  env: {},
  stdout: () => {},
  stderr: () => {},
  checkAPIVersion: false,
});
const wasmModule = py._module;
py.setInterruptBuffer(boot.interruptBuffer);

// ---- host functions Python may call ----

let nextRequestId = 1;
const pendingHttp = new Map<number, { callId: number; resolve: (reply: string) => void }>();
/** The call whose requests may pass; 0 between calls and from the end of a call's result on. */
let bridgeOpenFor = 0;
const refusal = (code: string, message: string): Promise<string> => Promise.resolve(JSON.stringify({ ok: false, error: { code, message } }));

function hostHttp(callId: number, requestJson: unknown): Promise<string> {
  // Each call's `http` client carries a transport bound to that call's id (makeTransport): work a
  // finished call left behind can never send under a later call's grants.
  if (callId !== bridgeOpenFor) {
    return refusal('not_in_call', 'network requests are only possible during the tool call that made them; this one came from work a finished call left behind');
  }
  if (typeof requestJson !== 'string') return refusal('bad_request', 'host_http takes a JSON string');
  let bodyChars = 0;
  try {
    const body = (JSON.parse(requestJson) as { body?: unknown }).body;
    bodyChars = typeof body === 'string' ? body.length : 0;
  } catch {
    return refusal('bad_request', 'malformed HTTP request (not JSON)');
  }
  if (bodyChars > HTTP_REQUEST_BODY_LIMIT_CHARS) {
    return refusal('too_large', `the request body is ${bodyChars} characters once encoded; the network bridge accepts at most ` +
      `${HTTP_REQUEST_BODY_LIMIT_CHARS} (4 MiB) per request. Send less data per request.`);
  }
  const reqId = nextRequestId++;
  return new Promise((resolve) => {
    pendingHttp.set(reqId, { callId, resolve });
    post({ type: 'http', callId, reqId, requestJson });
  });
}
const makeTransport = (callId: number) => (requestJson: unknown): Promise<string> => hostHttp(callId, requestJson);
const closeBridge = (): void => {
  bridgeOpenFor = 0;
};

// ---- connect the runner ----

// The runner was imported into the snapshot (see build-snapshot.ts); connect it to this worker.
const runnerNamespace = py.runPython("__import__('sys').modules['mcpbox_runner'].__dict__") as { get(name: string): PyCallable };
runnerNamespace.get('setup')(makeTransport, closeBridge, boot.hygiene);
const startCall = runnerNamespace.get('start_call');
const finishCall = runnerNamespace.get('finish_call');
const wallNamespace = runnerNamespace.get('_wall') as unknown as { get(name: string): PyCallable };
const bury = wallNamespace.get('bury');
const analyzeMany = runnerNamespace.get('analyze_many');

// ---- reduce what escaped Python could reach (defence in depth; the process is the boundary) ----

firewall.dlopenAllowed = false;
const apiObject = py as unknown as Record<string, unknown>;
for (const member of [
  'mountNodeFS', 'mountNativeFS', 'useNodeSockFS', 'loadPackage', 'loadPackagesFromImports', 'registerJsModule',
  'unregisterJsModule', 'unpackArchive', 'runPython', 'runPythonAsync', 'pyimport', 'setInterruptBuffer',
  'makeMemorySnapshot', 'setStdin', 'setStdout', 'setStderr', 'registerComlink', 'checkInterrupt', 'toPy',
]) {
  try {
    Object.defineProperty(apiObject, member, { value: undefined, writable: false, configurable: false });
  } catch {
    /* a non-configurable member stays; the process boundary still holds */
  }
}
if (py.FS?.filesystems) delete py.FS.filesystems['NODEFS'];
if (py._api) py._api['_nodeSock'] = undefined;
// `pyodide_js._api` (loadBinaryFile, loadDynlib, scheduleCallback, packageManager, …) and `_module`
// (the Emscripten module: NODEFS, FS, loadDynamicLibrary, raw syscalls) are what Python reaches them
// through; the runtime's own JS keeps its internal references. Python still imports `config` from
// `_api` at run time (asyncio.run, run_until_complete), so a copy of that alone stays.
const runtimeConfig = Object.freeze({ ...((py._api?.['config'] ?? {}) as object) });
for (const [member, value] of [['_api', Object.freeze({ config: runtimeConfig })], ['_module', undefined]] as const) {
  try {
    Object.defineProperty(apiObject, member, { value, writable: false, configurable: false });
  } catch {
    /* a non-configurable member stays; the process boundary still holds */
  }
}
const proc = process as unknown as Record<string, unknown>;
for (const name of ['getBuiltinModule', 'dlopen', '_linkedBinding', 'kill', 'setuid', 'setgid', 'chdir', 'exit', 'abort', 'reallyExit']) {
  try {
    Object.defineProperty(proc, name, { value: () => { throw new Error(`process.${name} is not available in the sandbox`); } });
  } catch {
    /* ignore */
  }
}
const globalObject = globalThis as unknown as Record<string, unknown>;
for (const name of ['fetch', 'WebSocket', 'EventSource', 'XMLHttpRequest', 'Request', 'Response', 'Headers', 'FormData', 'navigator', 'WebAssembly_compileStreaming']) {
  delete globalObject[name];
}

const heapBytes = (): number => wasmModule.HEAPU8.length;

// ---- one call ----
// The phases of a call (runner.py, "A call runs in phases that JS drives"): start_call, await the
// end-of-call task, finish_call, then let go of what the call touched. The call's JS context is sealed
// once its outcome is posted: nothing it scheduled runs after that, and its pending HTTP replies are
// dropped.

interface RunningCall {
  scope: CallScope;
  tool: PyTask | undefined;
}
const calls = new Map<number, RunningCall>();

async function runOneCall(message: Extract<ControlToWorker, { type: 'run' }>, scope: CallScope): Promise<void> {
  const { callId } = message;
  let end: PyTask | undefined;
  try {
    // The control thread runs a call only on a worker whose heap is still below the call's cap.
    firewall.maxHeapBytes = message.heapCapBytes;
    const heapCapMib = Math.floor(message.heapCapBytes / 1048576);
    const started = startCall(callId, message.server, message.code, message.argsJson, message.secretsJson, message.allowedJson, heapCapMib) as PyPair;
    end = started.get(0);
    const call = calls.get(callId);
    if (call) call.tool = started.get(1);
    started.destroy();
    const reported = await end!;
    (reported as { destroy?: () => void } | undefined)?.destroy?.();
    const outcome = finishCall(callId) as string;
    post({ type: 'done', callId, outcomeJson: outcome, heapBytes: heapBytes() });
  } catch (error) {
    // A JS-level failure here means the interpreter is no longer trustworthy (fatal error, exit).
    post({ type: 'done', callId, fatal: String((error as Error)?.message ?? error).slice(0, 1000), heapBytes: heapBytes() });
  } finally {
    scope.seal();
    if (bridgeOpenFor === callId) bridgeOpenFor = 0;
    for (const [reqId, pending] of pendingHttp) if (pending.callId === callId) pendingHttp.delete(reqId);
    calls.get(callId)?.tool?.destroy();
    calls.delete(callId);
    end?.destroy();
    try {
      bury();
    } catch {
      /* a finalizer that fails is the tool's business */
    }
  }
}

// ---- message loop ----

port.on('message', (message: ControlToWorker) => {
  switch (message.type) {
    case 'run': {
      bridgeOpenFor = message.callId;
      const scope = openCallScope();
      calls.set(message.callId, { scope, tool: undefined });
      void scope.enter(() => runOneCall(message, scope));
      break;
    }
    case 'cancel': {
      boot.interruptBuffer[0] = 0;
      const call = calls.get(message.callId);
      try {
        // In the call's own context, so whatever the cancellation schedules is sealed with the call.
        call?.scope.enter(() => call.tool?.cancel());
      } catch {
        /* the call may already be gone */
      }
      break;
    }
    case 'analyze': {
      try {
        const out = analyzeMany(message.codesJson) as string;
        post({ type: 'analysis', callId: message.callId, analysesJson: out });
      } catch (error) {
        post({ type: 'analysis', callId: message.callId, fatal: String((error as Error)?.message ?? error).slice(0, 1000) });
      }
      break;
    }
    case 'http_result': {
      const pending = pendingHttp.get(message.reqId);
      pendingHttp.delete(message.reqId);
      pending?.resolve(message.replyJson);
      break;
    }
  }
});

post({ type: 'ready', heapBytes: heapBytes() });
