// How deep a JSON-RPC message may nest. JSON.parse copes with any depth, but much of what runs after
// it recurses (the SDK's request conversion and schema checks, JSON.stringify for logs and
// redaction, the sandbox's IPC and Python's json): 5,000 levels overflowed the stack there and the
// client was told "internal error". Tool arguments are the deepest part of a request that a client
// controls; real ones nest a handful of levels (a list of objects of lists), so 64 leaves ample room
// while staying far below the thousands of frames where recursive code breaks.
import type { JSONRPCMessage, Transport, TransportSendOptions } from '@modelcontextprotocol/server';

export const MAX_ARGUMENT_DEPTH = 64;
/** The envelope around the arguments (`{params: {arguments: …}}`, `_meta`) adds a few levels. */
const ENVELOPE_DEPTH = 8;

/** JSON-RPC "Invalid params". */
export const INVALID_PARAMS = -32602;

/**
 * Depth of a parsed JSON value (a scalar is 0, `[]` and `{}` are 1), counted with an explicit stack
 * so that no recursion runs on untrusted input; stops as soon as `limit` is exceeded.
 */
export function jsonDepth(value: unknown, limit: number): number {
  let deepest = 0;
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (typeof next.value !== 'object' || next.value === null) continue;
    const depth = next.depth + 1;
    if (depth > deepest) deepest = depth;
    if (deepest > limit) return deepest;
    for (const child of Array.isArray(next.value) ? next.value : Object.values(next.value)) stack.push({ value: child, depth });
  }
  return deepest;
}

/** Why a JSON-RPC message (or batch) nests too deeply to be served; undefined when it is fine. */
export function messageDepthProblem(body: unknown): string | undefined {
  const messages = Array.isArray(body) ? body : [body];
  for (const message of messages) {
    const params = typeof message === 'object' && message !== null ? (message as { params?: unknown }).params : undefined;
    const args = typeof params === 'object' && params !== null ? (params as { arguments?: unknown }).arguments : undefined;
    if (args !== undefined && jsonDepth(args, MAX_ARGUMENT_DEPTH) > MAX_ARGUMENT_DEPTH) {
      return `Invalid params: the arguments are nested deeper than ${MAX_ARGUMENT_DEPTH} levels; flatten them (pass deep data as a JSON string if a tool really needs it).`;
    }
  }
  if (jsonDepth(body, MAX_ARGUMENT_DEPTH + ENVELOPE_DEPTH) > MAX_ARGUMENT_DEPTH + ENVELOPE_DEPTH) {
    return `Invalid params: the request is nested deeper than ${MAX_ARGUMENT_DEPTH + ENVELOPE_DEPTH} levels (tool arguments may nest at most ${MAX_ARGUMENT_DEPTH}).`;
  }
  return undefined;
}

/**
 * A transport that answers too-deep requests itself with -32602 and never hands them on: stdio has
 * no HTTP route in front of the SDK, so the same check sits between the transport and the server.
 */
export class DepthGuardedTransport implements Transport {
  readonly #inner: Transport;
  #onmessage: Transport['onmessage'];

  constructor(inner: Transport) {
    this.#inner = inner;
  }

  start(): Promise<void> {
    return this.#inner.start();
  }

  send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    return this.#inner.send(message, options);
  }

  close(): Promise<void> {
    return this.#inner.close();
  }

  get onclose(): Transport['onclose'] {
    return this.#inner.onclose;
  }

  set onclose(handler: Transport['onclose']) {
    this.#inner.onclose = handler;
  }

  get onerror(): Transport['onerror'] {
    return this.#inner.onerror;
  }

  set onerror(handler: Transport['onerror']) {
    this.#inner.onerror = handler;
  }

  get onmessage(): Transport['onmessage'] {
    return this.#onmessage;
  }

  set onmessage(handler: Transport['onmessage']) {
    this.#onmessage = handler;
    this.#inner.onmessage = handler === undefined ? undefined : (message, extra) => {
      const problem = messageDepthProblem(message);
      if (problem === undefined) return handler(message, extra);
      const id = (message as { id?: unknown }).id;
      // A notification gets no answer; a request gets the refusal under its own id.
      if (typeof id === 'string' || typeof id === 'number') {
        this.#inner.send({ jsonrpc: '2.0', id, error: { code: INVALID_PARAMS, message: problem } }).catch((err: unknown) => this.#inner.onerror?.(err instanceof Error ? err : new Error(String(err))));
      }
    };
  }

  get sessionId(): string | undefined {
    return this.#inner.sessionId;
  }

  get setProtocolVersion(): Transport['setProtocolVersion'] {
    return this.#inner.setProtocolVersion?.bind(this.#inner);
  }

  get setSupportedProtocolVersions(): Transport['setSupportedProtocolVersions'] {
    return this.#inner.setSupportedProtocolVersions?.bind(this.#inner);
  }
}
