// What the rest of the product may ask of the sandbox. Everything behind this interface runs
// LLM-written Python in locked-down child processes; callers never see a process or Pyodide.

export interface CodeError {
  line: number; // 1-based, in the tool's own source
  col: number; // 1-based
  message: string;
}

/** JSON Schema object for a tool's input, derived from `main`'s signature. */
export type JsonSchema = Record<string, unknown>;

export interface Analysis {
  valid: boolean;
  errors: CodeError[];
  input_schema: JsonSchema; // {"type":"object","properties":{...},"required":[...]}
  description: string; // main's docstring (or module docstring), "" when none
  imports: string[]; // top-level module names the code imports, sorted, unique
  /** Set when there is no verdict on the code: the analyzer itself failed on it (see AnalysisFailure). */
  failure?: AnalysisFailure;
}

/**
 * The analyzer could not give a verdict: its process or worker died or timed out while analyzing
 * this source on its own. `valid` is false and `errors` says so for a person; callers decide on
 * `kind`, never on the message (a reconciler retries, it does not call the revision invalid).
 */
export interface AnalysisFailure {
  kind: 'analyzer_crashed';
  detail: string;
}

/** Why a run failed (a Python exception or a sandbox refusal); the gateway's ToolError is a different thing, a management tool's refusal. */
export interface ToolRunError {
  type: string; // Python exception type, e.g. "ValueError", or "TimeoutError", "PolicyError"
  message: string;
  line?: number; // line in the tool's source where it was raised
  traceback?: string; // limited to the tool's own frames
}

export interface RunResult {
  result: unknown; // JSON value returned by main (null on error)
  stdout: string; // captured print output, capped at 1 MB with a truncation marker
  error?: ToolRunError;
  duration_ms: number;
  timeout_ms: number; // the time limit the call ran under: the request's, or the default, clamped to the maximum
}

/** Policy that applies to a run: always main's, even when the code comes from a branch. */
export interface RunPolicy {
  allowedModules: string[]; // policy/modules.yaml on main (the built-in safe set is added by the sandbox)
  grants: Array<{ host: string; port?: number }>; // this server's network grants on main
}

/**
 * Which interpreter may run a request. `live`: reviewed code on main, may carry the server's secrets,
 * served by the server's one live child. `draft`: unreviewed code of `branch` (a test), never given
 * secrets (the sandbox refuses a draft request that carries any), served by a child of its own per
 * (server, branch) that never serves live calls, another branch or another server. `head` (the
 * branch's commit) lets the sandbox replace that child when the branch moves.
 */
export type RunDomain = { kind: 'live' } | { kind: 'draft'; branch: string; head?: string };

export interface RunRequest {
  server: string; // the MCP server the code belongs to; with `domain`, picks the child
  domain: RunDomain;
  tool: string; // tool name (for messages and logs)
  code: string;
  args: Record<string, unknown>;
  timeoutMs?: number; // default 30 s, at most 300 s
  memoryMb?: number; // heap cap of the interpreter the call runs in; default 256, 64–2048 (mcpbox.yaml defaults.memory_mb)
  secrets?: Record<string, string>; // this server's secret values; live domain only, only ever sent to this server's live child
  policy: RunPolicy;
}

export interface Sandbox {
  analyze(code: string): Promise<Analysis>;
  run(req: RunRequest): Promise<RunResult>;
  /** Runtime switches (start is otherwise lazy on first call): start the live child; stop the live and draft children. */
  start(server: string): Promise<void>;
  stop(server: string): Promise<void>;
  /** Stop every child; no process is left behind. */
  close(): Promise<void>;
}
