// Serves the live Python tools (from the reconciler's LiveRegistry) over MCP. Definitions are
// rebuilt once per applied revision; calls run in the sandbox under main's policy only: the
// modules of policy/modules.yaml and this server's network grants, both from the live revision.
import { fromJsonSchema, type CallToolResult, type StandardSchemaWithJSON, type Tool } from '@modelcontextprotocol/server';
import type { LiveRegistry, LiveRevision, LiveTool } from '@mcpbox/reconciler';
import { SandboxBusyError, type RunPolicy, type Sandbox } from '@mcpbox/sandbox';
import type { FailureLog } from './management-tools.ts';
import { errorResult, jsonResult } from './tool-results.ts';
import { runPolicyFor } from '../services/run-policy.ts';

/** Runtime switches (mcpbox_stop_server): a stopped server's tools are refused until started again. */
export interface ServerRunning {
  get(server: string): { running: boolean };
}

/** This server's secret values restricted to the names main declares for it. */
export type SecretsProvider = (server: string, declared: readonly string[]) => Record<string, string>;

interface RevisionView {
  revision: LiveRevision;
  definitions: Tool[];
}

export class PythonToolSet {
  private readonly registry: LiveRegistry;
  private readonly sandbox: Sandbox | null;
  private readonly logFailure: FailureLog;
  private readonly switches: ServerRunning | null;
  private readonly secretsFor: SecretsProvider | null;
  private view: RevisionView | null = null;
  // Compiled input validators by code blob: a schema is derived from the code, so the blob keys it.
  private validators = new Map<string, StandardSchemaWithJSON>();

  constructor(registry: LiveRegistry, sandbox: Sandbox | null, logFailure: FailureLog, switches: ServerRunning | null = null, secretsFor: SecretsProvider | null = null) {
    this.registry = registry;
    this.sandbox = sandbox;
    this.logFailure = logFailure;
    this.switches = switches;
    this.secretsFor = secretsFor;
  }

  list(): Tool[] {
    return this.currentView()?.definitions ?? [];
  }

  has(name: string): boolean {
    return this.registry.current()?.tools.has(name) ?? false;
  }

  async call(name: string, args: Record<string, unknown> | undefined): Promise<CallToolResult> {
    const revision = this.registry.current();
    const tool = revision?.tools.get(name);
    if (revision === null || revision === undefined || tool === undefined) {
      return errorResult(`Tool "${name}" is not live. Call tools/list again: the tool list may have changed.`);
    }
    if (this.switches !== null && !this.switches.get(tool.server).running) {
      return errorResult(`Server "${tool.server}" is stopped (mcpbox_stop_server), so its tools are not run. Start it again with mcpbox_start_server.`);
    }
    const input = args ?? {};
    const problems = await this.validate(tool, input);
    if (problems !== null) {
      return errorResult(`Invalid arguments for ${name}: ${problems}. Check the tool's input schema and call it again.`);
    }
    if (this.sandbox === null) {
      return errorResult('The Python sandbox is not running on this gateway, so Python tools cannot run. Ask the admin to check the gateway log.');
    }
    try {
      const declared = revision.state.servers[tool.server]?.secrets.map((d) => d.name) ?? [];
      const secrets = this.secretsFor === null || declared.length === 0 ? undefined : this.secretsFor(tool.server, declared);
      const run = await this.sandbox.run({
        server: tool.server,
        // Reviewed code on main: the server's live child, the only one its secrets ever reach.
        domain: { kind: 'live' },
        tool: tool.name,
        code: tool.code,
        args: input,
        timeoutMs: tool.timeoutMs,
        memoryMb: revision.state.config.defaults.memory_mb,
        policy: policyOf(revision, tool.server),
        ...(secrets === undefined ? {} : { secrets }),
      });
      const meta = { 'mcpbox/duration_ms': run.duration_ms, ...(run.stdout === '' ? {} : { 'mcpbox/stdout': run.stdout }) };
      if (run.error !== undefined) {
        const where = run.error.line === undefined ? '' : ` (line ${run.error.line})`;
        return errorResult(`${run.error.type}: ${run.error.message}${where}. Fix the arguments, or propose a fix to the tool's code as a pull request.`, meta);
      }
      return jsonResult(run.result, meta);
    } catch (err) {
      if (err instanceof SandboxBusyError) return errorResult(`Sandbox busy: ${err.message}.`);
      this.logFailure(err, { tool: name });
      return errorResult(`${name} could not be run by the sandbox (the failure is in the gateway log). Try again later.`);
    }
  }

  private currentView(): RevisionView | null {
    const revision = this.registry.current();
    if (revision === null) return null;
    if (this.view?.revision !== revision) {
      const tools = [...revision.tools.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      this.view = { revision, definitions: tools.map(definitionOf) };
      const live = new Set(tools.map((t) => t.codeBlob));
      for (const blob of this.validators.keys()) if (!live.has(blob)) this.validators.delete(blob);
    }
    return this.view;
  }

  private async validate(tool: LiveTool, input: Record<string, unknown>): Promise<string | null> {
    let validator = this.validators.get(tool.codeBlob);
    if (validator === undefined) {
      validator = fromJsonSchema(tool.inputSchema as Parameters<typeof fromJsonSchema>[0]);
      this.validators.set(tool.codeBlob, validator);
    }
    const result = await validator['~standard'].validate(input);
    if (result.issues === undefined) return null;
    return result.issues.map((i) => i.message).join('; ');
  }
}

function definitionOf(tool: LiveTool): Tool {
  return {
    name: tool.id,
    ...(tool.annotations?.title === undefined ? {} : { title: tool.annotations.title }),
    description: tool.description,
    inputSchema: tool.inputSchema as Tool['inputSchema'],
    ...(tool.annotations === undefined ? {} : { annotations: tool.annotations }),
  };
}

/** Main's policy for one server, from the live revision. */
export function policyOf(revision: LiveRevision, server: string): RunPolicy {
  return runPolicyFor(revision.state, server);
}
