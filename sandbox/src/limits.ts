// The sandbox's numeric limits in one place, so a reader can see every bound the product enforces
// and tests/benchmarks can refer to the same values.

export const DEFAULT_TIMEOUT_MS = 30_000;
export const MAX_TIMEOUT_MS = 300_000;
/** Time between the soft interrupt and terminating the Pyodide worker (C loops ignore interrupts). */
export const HARD_KILL_GRACE_MS = 400;
/** Extra time the parent waits past the child's own hard kill before it SIGKILLs the whole child. */
export const CHILD_WEDGE_MARGIN_MS = 5_000;

/** Captured print output per call (characters), then a truncation marker. */
export const OUTPUT_LIMIT_CHARS = 1_000_000;
/** Serialized JSON result per call (characters). */
export const RESULT_LIMIT_CHARS = 1_000_000;
/** A tool error's class name, message and traceback (characters), applied after redaction. */
export const ERROR_TYPE_LIMIT_CHARS = 200;
export const ERROR_MESSAGE_LIMIT_CHARS = 20_000;
export const TRACEBACK_LIMIT_CHARS = 50_000;
/** Body of one HTTP request a tool sends through the bridge (characters of its encoded form). */
export const HTTP_REQUEST_BODY_LIMIT_CHARS = 4 * 1024 * 1024;
/** Longest URL a tool may request through the bridge (characters). */
export const HTTP_URL_LIMIT_CHARS = 8 * 1024;

/**
 * Wasm heap cap of the interpreter a call runs in (RunRequest.memoryMb, from mcpbox.yaml's
 * defaults.memory_mb): allocation beyond it raises MemoryError. The range is the format's
 * (core's MemoryMb); a fresh interpreter uses about 30 MiB of it before the tool starts.
 */
export const DEFAULT_HEAP_CAP_BYTES = 256 * 1024 * 1024;
export const MIN_HEAP_CAP_MIB = 64;
export const MAX_HEAP_CAP_MIB = 2048;
/** An instance whose heap grew past this after a call is replaced (wasm memory never shrinks). */
export const DEFAULT_HEAP_RECYCLE_BYTES = 160 * 1024 * 1024;

/** One framed IPC message, either direction. Anything bigger is refused. */
export const MAX_IPC_MESSAGE_BYTES = 8 * 1024 * 1024;
/** Tool source size accepted by run/analyze. */
export const MAX_CODE_CHARS = 200_000;
/** Codes per analyze message; bigger batches are split. */
export const ANALYZE_CHUNK = 200;

export const DEFAULT_IDLE_MS = 5 * 60_000;
/** Children serving calls, live and draft together (the analysis child and the one warm child are extra). */
export const DEFAULT_MAX_INSTANCES = 16;
/** Of those, children running draft tests (unreviewed code); capped apart so drafts cannot crowd out live servers. */
export const DEFAULT_MAX_DRAFT_INSTANCES = 2;
/** A draft child with no test for this long is stopped (drafts are tried in bursts, then left). */
export const DEFAULT_DRAFT_IDLE_MS = 60_000;
/** A draft child is replaced by a fresh one after this many tests (and whenever its branch head moves). */
export const DRAFT_CALLS_PER_CHILD = 20;
/** At the cap with nothing idle to stop, a call that needs a new child waits this long for one, then is refused as busy. */
export const DEFAULT_BUSY_WAIT_MS = 2_000;
/** Time allowed for a child to load Pyodide from the snapshot and report ready. */
export const CHILD_START_TIMEOUT_MS = 30_000;

/** Secret values shorter than this are not redacted (too likely to match ordinary text). */
export const MIN_REDACTED_SECRET_LENGTH = 4;
