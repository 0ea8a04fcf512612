// How deep a JSON-RPC message may nest. JSON.parse copes with any depth, but much of what runs after
// it recurses (the SDK's request conversion and schema checks, JSON.stringify for logs and
// redaction, the sandbox's IPC and Python's json): 5,000 levels overflowed the stack there and the
// client was told "internal error". Tool arguments are the deepest part of a request that a client
// controls; real ones nest a handful of levels (a list of objects of lists), so 64 leaves ample room
// while staying far below the thousands of frames where recursive code breaks.
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
