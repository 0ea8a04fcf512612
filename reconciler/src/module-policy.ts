// The module allowlist as the reconciler checks it before a revision goes live: every import of
// every tool must be in the built-in safe set or in policy/modules.yaml on the same revision.
// A listed package allows its submodules (`xml` allows `xml.dom`); a listed submodule allows only
// itself (`urllib.parse` does not allow `urllib.request`). The sandbox enforces the same list at
// run time; this check exists so a bad import fails the merge, with a file and line, not a call.
import { effectiveModules } from '@mcpbox/sandbox';
import type { Analysis } from '@mcpbox/sandbox';
import type { ModulesPolicy } from '@mcpbox/core';
import type { StatusError } from './status.ts';

export interface ImportSite {
  module: string; // dotted name as written
  line: number;
  col: number;
}

export function allowedModules(policy: ModulesPolicy): ReadonlySet<string> {
  return effectiveModules(policy.allowed.map((m) => m.name));
}

export function isModuleAllowed(module: string, allowed: ReadonlySet<string>): boolean {
  const parts = module.split('.');
  for (let i = 1; i <= parts.length; i++) if (allowed.has(parts.slice(0, i).join('.'))) return true;
  return false;
}

const IMPORT_LINE = /^(\s*)import\s+(.+)$/;
const FROM_LINE = /^(\s*)from\s+([A-Za-z_][\w.]*)\s+import\b/;

/** Where the code imports what: `import a.b as c, d` and `from a.b import x` (relative imports skipped). */
export function findImportSites(code: string): ImportSite[] {
  const sites: ImportSite[] = [];
  code.split('\n').forEach((text, i) => {
    const from = FROM_LINE.exec(text);
    if (from) {
      sites.push({ module: from[2]!, line: i + 1, col: from[1]!.length + 1 });
      return;
    }
    const imp = IMPORT_LINE.exec(text);
    if (!imp) return;
    const list = imp[2]!.split('#')[0]!.replace(/[()\\]/g, '');
    for (const part of list.split(',')) {
      const name = part.trim().split(/\s+as\s+/)[0]!.trim();
      if (/^[A-Za-z_][\w.]*$/.test(name)) sites.push({ module: name, line: i + 1, col: imp[1]!.length + 1 });
    }
  });
  return sites;
}

/**
 * Disallowed imports of one tool. The analysis (Python's own parser) says which top-level modules
 * are really imported; the source scan adds the dotted name and the line. An import the scan cannot
 * place (e.g. `__import__`) is reported at line 1.
 */
export function checkToolImports(file: string, code: string, analysis: Analysis, allowed: ReadonlySet<string>): StatusError[] {
  const imported = new Set(analysis.imports.map((m) => m.split('.')[0]!));
  const errors: StatusError[] = [];
  const placed = new Set<string>();
  for (const site of findImportSites(code)) {
    const top = site.module.split('.')[0]!;
    if (!imported.has(top)) continue; // text that only looks like an import (e.g. inside a string)
    placed.add(top);
    if (!isModuleAllowed(site.module, allowed)) errors.push(disallowed(file, site.module, site.line, site.col));
  }
  for (const module of analysis.imports) {
    const top = module.split('.')[0]!;
    if (placed.has(top) || isModuleAllowed(module, allowed)) continue;
    errors.push(disallowed(file, module, 1, 1));
  }
  return errors;
}

function disallowed(file: string, module: string, line: number, col: number): StatusError {
  return {
    file,
    line,
    col,
    message: `module '${module}' is not allowed: it is neither in the built-in safe set nor in policy/modules.yaml. Remove the import, or request the module (mcpbox_request_module) and merge that policy change first.`,
  };
}
