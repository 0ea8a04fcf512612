// Every tools/call passes through here, whatever the transport: the remote-editing rule, the
// argument size cap, the per-server concurrency cap, then the call itself; afterwards the execution
// log entry is committed (before the response leaves) and the metrics are counted. It also knows how
// many calls are in flight, so a shutdown can wait for them.
import type { CallToolResult } from '@modelcontextprotocol/server';
import { parseToolId } from '@mcpbox/core';
import type { LiveRegistry } from '@mcpbox/reconciler';
import { currentIdentity } from '../auth/identity.ts';
import { remoteEditingRefusal } from '../auth/remote-editing.ts';
import type { ManagementTool } from '../tools/define-tool.ts';
import type { ExecutionLogWriter } from './execution-log-writer.ts';
import type { CallOutcome, GatewayMetrics } from './gateway-metrics.ts';
import { LOG_LIMITS, redactorFor } from './log-redaction.ts';
import { ServerBusyError, ServerCallLimiter } from './server-call-limiter.ts';
import { InFlight } from './in-flight.ts';

export interface CallLimits {
  /** Serialized arguments above this are refused before anything runs. */
  maxArgumentBytes: number;
  maxConcurrentPerServer: number;
  maxQueuedPerServer: number;
}

const DEFAULT_CALL_LIMITS: CallLimits = { maxArgumentBytes: 1024 * 1024, maxConcurrentPerServer: 8, maxQueuedPerServer: 64 };

export interface CallPipelineOptions {
  registry: LiveRegistry;
  metrics: GatewayMetrics;
  /** Without a writer (no state store) calls are not logged. */
  logWriter: ExecutionLogWriter | null;
  managementTools: readonly ManagementTool[];
  remoteToolEditing: boolean;
  limits?: Partial<CallLimits>;
  /** Secret values of a server, only to keep them out of the log. */
  secretValues?: (server: string) => string[];
}

const TEST_TOOLS = new Set(['mcpbox_test_code']);

export class CallPipeline {
  readonly #options: CallPipelineOptions;
  readonly #limits: CallLimits;
  readonly #limiter: ServerCallLimiter;
  readonly #annotations: Map<string, ManagementTool['annotations']>;
  readonly #calls = new InFlight();

  constructor(options: CallPipelineOptions) {
    this.#options = options;
    this.#limits = { ...DEFAULT_CALL_LIMITS, ...options.limits };
    this.#limiter = new ServerCallLimiter(this.#limits.maxConcurrentPerServer, this.#limits.maxQueuedPerServer);
    this.#annotations = new Map(options.managementTools.map((t) => [t.name, t.annotations]));
  }

  get inFlight(): number {
    return this.#calls.count;
  }

  async run(name: string, args: Record<string, unknown> | undefined, requestId: string | null, execute: () => Promise<CallToolResult>): Promise<CallToolResult> {
    const started = Date.now();
    const identity = currentIdentity();
    const revision = this.#options.registry.current()?.revision ?? null;
    const liveServer = this.#options.registry.current()?.tools.get(name)?.server;
    const server = liveServer ?? (typeof args?.['server_id'] === 'string' ? (args['server_id'] as string) : (parseToolId(name)?.server ?? null));
    this.#calls.enter();
    this.#options.metrics.inFlight.inc();
    let result: CallToolResult;
    let outcome: CallOutcome;
    try {
      const refusal = this.admissionRefusal(name, args);
      if (refusal !== null) {
        result = errorText(refusal);
        outcome = 'refused';
      } else {
        try {
          result = liveServer === undefined ? await execute() : await this.#limiter.run(liveServer, execute);
          outcome = result.isError === true ? 'error' : 'ok';
        } catch (err) {
          if (!(err instanceof ServerBusyError)) throw err;
          result = errorText(err.message);
          outcome = 'busy';
        }
      }
      const durationMs = Date.now() - started;
      this.#options.metrics.toolCalls.inc({ tool: name, outcome });
      this.#options.metrics.toolCallSeconds.observe({ tool: name }, durationMs / 1000);
      if (this.#options.logWriter !== null) {
        const redact = redactorFor(server === null ? [] : (this.#options.secretValues?.(server) ?? []));
        const meta = (result._meta ?? {}) as Record<string, unknown>;
        const stdout = typeof meta['mcpbox/stdout'] === 'string' ? meta['mcpbox/stdout'] : null;
        const failed = result.isError === true;
        await this.#options.logWriter.write({
          at: new Date(started).toISOString(),
          tool: name,
          server,
          revision,
          caller: identity.name,
          isTest: TEST_TOOLS.has(name),
          success: !failed,
          argsJson: redact.args(args),
          resultJson: failed ? null : redact.result(result.structuredContent ?? textOf(result)),
          stdout: redact.text(stdout, LOG_LIMITS.stdout),
          error: failed ? redact.text(textOf(result), LOG_LIMITS.error) : null,
          durationMs,
          requestId,
        });
      }
      return result;
    } finally {
      this.#calls.leave();
      this.#options.metrics.inFlight.dec();
    }
  }

  /** Resolves true once no call is in flight, false if `timeoutMs` passes first. */
  drain(timeoutMs: number): Promise<boolean> {
    return this.#calls.whenIdle(timeoutMs);
  }

  private admissionRefusal(name: string, args: Record<string, unknown> | undefined): string | null {
    const editing = remoteEditingRefusal(name, this.#annotations.get(name) ?? (this.#annotations.has(name) ? undefined : { readOnlyHint: true }), currentIdentity(), this.#options.remoteToolEditing);
    if (editing !== null) return editing;
    const bytes = Buffer.byteLength(JSON.stringify(args ?? {}), 'utf8');
    if (bytes > this.#limits.maxArgumentBytes) {
      return `The arguments of ${name} are ${bytes} bytes; the limit is ${this.#limits.maxArgumentBytes}. Pass less data per call (e.g. a URL or an id instead of the content).`;
    }
    return null;
  }
}

function errorText(text: string): CallToolResult {
  return { content: [{ type: 'text', text }], isError: true };
}

function textOf(result: CallToolResult): string {
  return result.content
    .map((c) => (c.type === 'text' ? c.text : `[${c.type}]`))
    .join('\n');
}
