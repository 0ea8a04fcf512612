// Build phase: turn the desired state of a revision into a complete LiveRevision off to the side,
// or say exactly why it cannot go live. With the previously applied revision and the paths that
// changed since it, only touched tools are rebuilt; the rest are carried over as they are.
import type { DesiredState, ServerSpec, ToolSpec } from '@mcpbox/core';
import type { Analysis } from '@mcpbox/sandbox';
import type { LiveRevision, LiveTool } from './registry.ts';
import type { StatusError } from './status.ts';
import { ReconcileError } from './errors.ts';
import { allowedModules, checkToolImports } from './module-policy.ts';
import { inventoryDigest } from './inventory-digest.ts';
import type { ToolAnalyzer } from './tool-analyzer.ts';

/** What the builder remembers of an applied revision to make the next build incremental. */
export interface AppliedBuild {
  live: LiveRevision;
  analyses: ReadonlyMap<string, Analysis>; // by code blob, for every live tool
}

export interface BuildOutcome extends AppliedBuild {
  analyzed: number; // tools sent to the sandbox
  rebuilt: number; // tools whose live entry was (re)made
}

/** Files whose change affects every tool. */
const REPO_WIDE = new Set(['mcpbox.yaml', 'policy/modules.yaml']);

export async function buildRevision(
  state: DesiredState,
  analyzer: ToolAnalyzer,
  previous: AppliedBuild | null,
  changed: readonly string[] | null,
  appliedAt: string,
): Promise<BuildOutcome> {
  const fileErrors = state.problems
    .filter((p) => p.severity === 'error')
    .map((p): StatusError => ({ file: p.file, ...(p.line ? { line: p.line } : {}), ...(p.col ? { col: p.col } : {}), message: p.message }));
  if (fileErrors.length > 0) {
    throw new ReconcileError('ValidationFailed', `${fileErrors.length} file problem(s) in revision ${short(state.revision)}`, fileErrors);
  }

  const changedSet = changed ? new Set(changed) : null;
  const carryOver = previous !== null && changedSet !== null && ![...changedSet].some((p) => REPO_WIDE.has(p));
  const untouched = (server: ServerSpec, tool: ToolSpec): boolean =>
    carryOver &&
    !changedSet!.has(server.path) &&
    !changedSet!.has(tool.codePath) &&
    (tool.metaPath === undefined || !changedSet!.has(tool.metaPath)) &&
    previous!.live.tools.get(tool.id)?.codeBlob === tool.codeBlob;

  // Only what will be served is analyzed and checked here: a disabled tool (or server) is parked,
  // not loaded. `mcpbox validate` (CI) checks every tool, enabled or not.
  const enabled: Array<{ server: ServerSpec; tool: ToolSpec }> = [];
  for (const server of Object.values(state.servers)) {
    if (!server.enabled) continue;
    for (const tool of Object.values(server.tools)) if (tool.meta.enabled) enabled.push({ server, tool });
  }

  const toBuild = enabled.filter(({ server, tool }) => !untouched(server, tool));
  const batch = await analyzer.analyze(
    toBuild.map(({ tool }) => ({ blob: tool.codeBlob, code: tool.code })),
    previous?.analyses,
  );

  const allowed = allowedModules(state.modules);
  const errors: StatusError[] = [];
  const tools = new Map<string, LiveTool>();
  const analyses = new Map<string, Analysis>();
  const rebuilt = new Set(toBuild.map(({ tool }) => tool.id));
  for (const { server, tool } of enabled) {
    const analysis = batch.analyses.get(tool.codeBlob) ?? previous?.analyses.get(tool.codeBlob);
    if (!analysis) throw new ReconcileError('AnalysisFailed', `no analysis for ${tool.codePath}`);
    analyses.set(tool.codeBlob, analysis);
    if (!rebuilt.has(tool.id)) {
      tools.set(tool.id, previous!.live.tools.get(tool.id)!);
      continue;
    }
    const codeErrors = analysis.valid
      ? []
      : analysis.errors.map((e): StatusError => ({ file: tool.codePath, line: e.line, col: e.col, message: e.message }));
    if (!analysis.valid && codeErrors.length === 0) codeErrors.push({ file: tool.codePath, message: 'the sandbox rejected this tool without a reason' });
    errors.push(...codeErrors, ...checkToolImports(tool.codePath, tool.code, analysis, allowed));
    tools.set(tool.id, toLiveTool(state, server, tool, analysis));
  }
  if (errors.length > 0) {
    throw new ReconcileError('ValidationFailed', `${errors.length} problem(s) in the tools of revision ${short(state.revision)}`, errors);
  }

  if (tools.size === 0 && (previous?.live.tools.size ?? 0) > 0 && !state.config.allow_empty) {
    throw new ReconcileError(
      'EmptyRevisionRefused',
      `revision ${short(state.revision)} would remove every tool (${previous!.live.tools.size} live); refused. Set allow_empty: true in mcpbox.yaml if that is intended.`,
      [{ file: 'mcpbox.yaml', message: 'this revision removes every tool; set allow_empty: true here to allow it' }],
    );
  }

  const live: LiveRevision = { revision: state.revision, digest: inventoryDigest(state, tools), appliedAt, tools, state };
  return { live, analyses, analyzed: batch.analyzed, rebuilt: rebuilt.size };
}

function toLiveTool(state: DesiredState, server: ServerSpec, tool: ToolSpec, analysis: Analysis): LiveTool {
  return {
    id: tool.id,
    server: server.name,
    name: tool.name,
    description: tool.meta.description ?? analysis.description,
    inputSchema: analysis.input_schema,
    ...(tool.meta.annotations ? { annotations: tool.meta.annotations } : {}),
    timeoutMs: tool.meta.timeout_ms ?? state.config.defaults.timeout_ms,
    code: tool.code,
    codeBlob: tool.codeBlob,
  };
}

export const short = (sha: string): string => sha.slice(0, 12);
