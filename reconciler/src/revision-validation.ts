// Whole-revision validation without applying anything — what `mcpbox validate` (and CI on every
// pull request) runs: the format's file problems, then every tool through the sandbox's analysis
// (syntax errors with line/col, a missing or sync `main`) and the module allowlist.
import type { DesiredState, Problem } from '@mcpbox/core';
import type { Analysis } from '@mcpbox/sandbox';
import { allowedModules, checkToolImports } from './module-policy.ts';
import type { AnalyzingSandbox } from './tool-analyzer.ts';

export interface RevisionValidation {
  valid: boolean;
  problems: Problem[]; // errors and warnings, sorted by file then position
  tools: number;
}

export async function validateRevision(state: DesiredState, sandbox: AnalyzingSandbox): Promise<RevisionValidation> {
  const problems: Problem[] = [...state.problems];
  const tools = Object.values(state.servers).flatMap((s) => Object.values(s.tools));
  const codes = tools.map((t) => t.code);
  const analyses: Analysis[] = sandbox.analyzeMany ? await sandbox.analyzeMany(codes) : await Promise.all(codes.map((c) => sandbox.analyze(c)));
  const allowed = allowedModules(state.modules);
  tools.forEach((tool, i) => {
    const analysis = analyses[i]!;
    for (const e of analysis.errors) problems.push({ file: tool.codePath, line: e.line, col: e.col, message: e.message, severity: 'error' });
    if (!analysis.valid && analysis.errors.length === 0) problems.push({ file: tool.codePath, message: 'the sandbox rejected this tool without a reason', severity: 'error' });
    for (const e of checkToolImports(tool.codePath, tool.code, analysis, allowed)) problems.push({ ...e, severity: 'error' });
  });
  problems.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : (a.line ?? 0) - (b.line ?? 0) || (a.col ?? 0) - (b.col ?? 0)));
  return { valid: !problems.some((p) => p.severity === 'error'), problems, tools: tools.length };
}
