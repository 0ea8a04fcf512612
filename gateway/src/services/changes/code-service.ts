// Checking and trying tool code before anyone reviews it. Validation = the cheap shape checks of the
// repo format, the sandbox's own parse (syntax, `async def main`, the derived input schema) and the
// imports against main's module policy. A test runs the draft's code in the real sandbox under
// main's policy and grants — a branch can never grant itself anything — and is recorded as a commit
// status on the draft commit it ran, so the pull request can show the last result.
import { checkToolCode, runGit, toolId, type DesiredState } from '@mcpbox/core';
import { isModuleAllowed } from '@mcpbox/reconciler';
import { SAFE_MODULES, SandboxBusyError } from '@mcpbox/sandbox';
import { runPolicyFor } from '../run-policy.ts';
import { ToolError } from '../../tools/tool-error.ts';
import { draftBranch } from './change-branches.ts';
import type { ChangeContext } from './change-context.ts';
import { translated } from './change-errors.ts';
import type { DraftService } from './draft-service.ts';

// Modules that would hand a tool the host (files, processes, sockets, the JS runtime): never in the
// safe set and a red flag in any request.
const DANGEROUS_MODULES = new Set(['os', 'sys', 'subprocess', 'socket', 'ctypes', 'importlib', 'inspect', 'gc', 'threading', 'multiprocessing', 'js', 'pyodide', 'pyodide_js', 'builtins', 'shutil', 'pathlib', 'io', 'signal', 'resource', 'marshal', 'pickle']);

export interface ImportCheck {
  name: string;
  allowed: boolean;
  via: 'safe_set' | 'policy' | 'not_allowed';
}

export interface CodeReport {
  valid: boolean;
  errors: Array<{ line: number; col?: number; message: string }>;
  has_main: boolean;
  input_schema: Record<string, unknown> | null;
  description: string;
  imports: ImportCheck[];
  sandbox_checked: boolean;
}

export interface TestRun {
  tool_id: string;
  source: 'draft' | 'main';
  commit: string;
  version: string;
  success: boolean;
  result: unknown;
  stdout: string;
  error: { type: string; message: string; line?: number } | null;
  duration_ms: number;
  recorded: boolean;
}

export interface RecordedTest {
  commit: string;
  version: string;
  success: boolean;
  summary: string;
  at: string;
}

export const TEST_CONTEXT_PREFIX = 'mcpbox/test/';

export function checkImports(imports: readonly string[], state: DesiredState): ImportCheck[] {
  const safe = new Set(SAFE_MODULES);
  const granted = new Set(state.modules.allowed.map((m) => m.name));
  return imports.map((name) => {
    if (isModuleAllowed(name, safe)) return { name, allowed: true, via: 'safe_set' };
    if (isModuleAllowed(name, granted)) return { name, allowed: true, via: 'policy' };
    return { name, allowed: false, via: 'not_allowed' };
  });
}

export class CodeService {
  private readonly ctx: ChangeContext;
  private readonly drafts: DraftService;

  constructor(ctx: ChangeContext, drafts: DraftService) {
    this.ctx = ctx;
    this.drafts = drafts;
  }

  async validate(code: string): Promise<CodeReport> {
    const errors: CodeReport['errors'] = checkToolCode(code).map((p) => ({ line: p.line, ...(p.col === undefined ? {} : { col: p.col }), message: p.message }));
    const state = await this.ctx.mainState.current();
    if (this.ctx.sandbox === null) {
      return { valid: errors.length === 0, errors, has_main: /^async[ \t]+def[ \t]+main[ \t]*\(/m.test(code), input_schema: null, description: '', imports: [], sandbox_checked: false };
    }
    // A file that is not Python text is not analyzed: the analyzer would report the same fault again.
    if (errors.length > 0) return { valid: false, errors, has_main: false, input_schema: null, description: '', imports: [], sandbox_checked: false };
    // Python itself (syntax, the shape of `main`) is the analyzer's alone, so each problem comes once.
    const analysis = await this.ctx.sandbox.analyze(code);
    for (const e of analysis.errors) errors.push({ line: e.line, col: e.col, message: e.message });
    const imports = checkImports(analysis.imports, state);
    for (const entry of imports.filter((i) => !i.allowed)) {
      const line = lineOfImport(code, entry.name);
      const top = entry.name.split('.')[0] ?? entry.name;
      errors.push({
        line,
        message: DANGEROUS_MODULES.has(top)
          ? `import of \`${entry.name}\` is not allowed: it would reach the host (files, processes or sockets) and is not granted to tools. Use the \`http\` global for the network, and keep to the safe set (mcpbox_get_server_modules)`
          : `import of \`${entry.name}\` is not allowed on main; remove it, or ask for it with mcpbox_request_module (it works once that pull request is merged)`,
      });
    }
    const hasMain = !analysis.errors.some((e) => /no `async def main/.test(e.message)) && /(^|\n)(async[ \t]+)?def[ \t]+main[ \t]*\(/.test(code);
    errors.sort((a, b) => a.line - b.line);
    return {
      valid: errors.length === 0,
      errors,
      has_main: hasMain,
      input_schema: analysis.valid ? analysis.input_schema : null,
      description: analysis.description,
      imports,
      sandbox_checked: true,
    };
  }

  async test(server: string, tool: string, args: Record<string, unknown>): Promise<TestRun> {
    const sandbox = this.ctx.sandbox;
    if (sandbox === null) throw new ToolError('unavailable', 'The Python sandbox is not running on this gateway, so code cannot be tested. Ask the admin to check the gateway log.');
    const draft = await this.drafts.readTool(server, tool);
    const state = await this.ctx.mainState.current();
    const run = await sandbox.run({
      server,
      // A test is never run in the live child (where secrets and live calls are), even for code read
      // from main: it gets the draft child of its branch, replaced when the branch head moves.
      domain: { kind: 'draft', branch: draft.source === 'draft' ? draftBranch(server) : 'main', head: draft.commit },
      tool,
      code: draft.code,
      args,
      timeoutMs: draft.meta.timeout_ms ?? state.config.defaults.timeout_ms,
      // Main's, like the policy: a branch cannot raise its own memory cap.
      memoryMb: state.config.defaults.memory_mb,
      // No secret values reach a test: a draft is not yet trusted with them (the sandbox refuses them too).
      policy: runPolicyFor(state, server),
    }).catch((error: unknown) => {
      if (error instanceof SandboxBusyError) throw new ToolError('unavailable', `Sandbox busy: ${error.message}.`);
      throw error;
    });
    const success = run.error === undefined;
    let recorded = false;
    if (draft.source === 'draft') {
      recorded = await translated(async () => {
        await this.ctx.forge.setCommitStatus({
          sha: draft.commit,
          context: `${TEST_CONTEXT_PREFIX}${tool}`,
          state: success ? 'success' : 'failure',
          description: testSummary(draft.version, args, run.result, run.error),
        });
        return true;
      });
    }
    return {
      tool_id: toolId(server, tool),
      source: draft.source,
      commit: draft.commit,
      version: draft.version,
      success,
      result: success ? run.result : null,
      stdout: run.stdout,
      error: run.error === undefined ? null : { type: run.error.type, message: run.error.message, ...(run.error.line === undefined ? {} : { line: run.error.line }) },
      duration_ms: run.duration_ms,
      recorded,
    };
  }

  /** The latest recorded test of each tool on a draft branch (newest commit first). */
  async lastTests(server: string): Promise<Map<string, RecordedTest>> {
    const found = new Map<string, RecordedTest>();
    const head = await this.ctx.writer.branchHead(draftBranch(server));
    if (head === undefined) return found;
    const { stdout } = await runGit(this.ctx.gitDir, ['rev-list', '--max-count=100', '--end-of-options', head, '^refs/heads/main']);
    for (const commit of stdout.toString('utf8').split('\n').filter((l) => l !== '')) {
      for (const status of await this.ctx.forge.listCommitStatuses({ sha: commit })) {
        if (!status.context.startsWith(TEST_CONTEXT_PREFIX)) continue;
        const tool = status.context.slice(TEST_CONTEXT_PREFIX.length);
        const previous = found.get(tool);
        if (previous !== undefined && previous.at >= status.updatedAt) continue;
        const parsed = parseSummary(status.description);
        found.set(tool, { commit, version: parsed.version, success: status.state === 'success', summary: parsed.summary, at: status.updatedAt });
      }
    }
    return found;
  }
}

function lineOfImport(code: string, name: string): number {
  const lines = code.split('\n');
  const escaped = name.replace(/\./g, '\\.');
  const pattern = new RegExp(`^\\s*(import\\s+.*\\b${escaped}\\b|from\\s+${escaped}\\s+import)`);
  const index = lines.findIndex((l) => pattern.test(l));
  return index < 0 ? 1 : index + 1;
}

// Commit statuses carry at most 1000 characters: the version tested, then a readable summary.
function testSummary(version: string, args: unknown, result: unknown, error: { type: string; message: string } | undefined): string {
  const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
  const outcome = error === undefined ? `returned ${clip(JSON.stringify(result) ?? 'null', 500)}` : `failed: ${clip(`${error.type}: ${error.message}`, 500)}`;
  return clip(`version ${version} | arguments ${clip(JSON.stringify(args) ?? '{}', 300)} | ${outcome}`, 1000);
}

function parseSummary(description: string): { version: string; summary: string } {
  const m = /^version ([0-9a-f]{40}) \| (.*)$/s.exec(description);
  return m ? { version: m[1] ?? '', summary: m[2] ?? '' } : { version: '', summary: description };
}
