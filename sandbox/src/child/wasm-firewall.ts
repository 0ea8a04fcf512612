// Wraps WebAssembly.instantiate so the Pyodide main module is linked against safer imports: no
// `system()` (os.system would otherwise spawn a host shell), no socket syscalls, `dlopen` only while
// we set up, and a hard heap cap so allocation past it becomes a Python MemoryError instead of
// growing the process. Must be installed before Pyodide is loaded.

/** The slice of the WebAssembly global we use (our TypeScript lib set does not declare it). */
export interface WasmApi {
  instantiate(source: unknown, imports?: unknown): Promise<unknown>;
  compile(bytes: Uint8Array): Promise<object>;
}
export const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

export interface WasmFirewallOptions {
  maxHeapBytes: number;
  /** Reuse a module compiled once by the control thread instead of compiling per worker. */
  precompiled?: object; // a WebAssembly.Module
}

export interface WasmFirewallState {
  dlopenAllowed: boolean;
  /** The heap may not grow past this; the worker sets it per call (wasm memory never shrinks). */
  maxHeapBytes: number;
}

const SOCKET_SYSCALLS = [
  '__syscall_socket', '__syscall_connect', '__syscall_bind', '__syscall_listen', '__syscall_accept4',
  '__syscall_sendto', '__syscall_recvfrom', '__syscall_socketpair', '__syscall_getsockopt', '__syscall_setsockopt',
];
const DLOPEN_IMPORTS = ['_dlopen_js', '_emscripten_dlopen_js', '_emscripten_dlopen'];
const EACCES = -2; // Emscripten errno numbering: the tool sees PermissionError

type Imports = Record<string, Record<string, unknown>>;

export function installWasmFirewall(opts: WasmFirewallOptions): WasmFirewallState {
  const state: WasmFirewallState = { dlopenAllowed: true, maxHeapBytes: opts.maxHeapBytes };
  const original = wasmApi.instantiate.bind(wasmApi);
  const patched = async function (source: unknown, imports?: Imports): Promise<unknown> {
    const env = imports?.['env'];
    if (env && typeof env['emscripten_resize_heap'] === 'function' && '_emscripten_system' in env) {
      const resize = env['emscripten_resize_heap'] as (requested: number) => number;
      env['emscripten_get_heap_max'] = () => state.maxHeapBytes;
      env['emscripten_resize_heap'] = (requested: number) => ((requested >>> 0) > state.maxHeapBytes ? 0 : resize(requested));
      env['_emscripten_system'] = (command: number) => (command ? -1 : 0);
      for (const name of SOCKET_SYSCALLS) if (name in env) env[name] = () => EACCES;
      for (const name of DLOPEN_IMPORTS) {
        const fn = env[name];
        if (typeof fn !== 'function') continue;
        env[name] = function (this: unknown, ...args: unknown[]) {
          return state.dlopenAllowed ? (fn as (...a: unknown[]) => unknown).apply(this, args) : 0;
        };
      }
      if (opts.precompiled) {
        // Given a Module, instantiate resolves to the Instance itself.
        const instance = await original(opts.precompiled, imports);
        return { instance, module: opts.precompiled };
      }
    }
    return original(source, imports);
  };
  Object.defineProperty(wasmApi, 'instantiate', { value: patched, writable: false, configurable: false });
  return state;
}
