import { describe, expect, it } from 'vitest';
import { allowedModules, checkToolImports, findImportSites, isModuleAllowed } from '@mcpbox/reconciler';
import type { Analysis } from '@mcpbox/sandbox';

const analysis = (imports: string[]): Analysis => ({ valid: true, errors: [], input_schema: { type: 'object' }, description: '', imports });

describe('module policy', () => {
  const allowed = allowedModules({ allowed: [{ name: 'yaml', reason: 'parses exports' }] });

  it('allows the safe set, granted modules and submodules of granted packages only', () => {
    expect(isModuleAllowed('json', allowed)).toBe(true);
    expect(isModuleAllowed('yaml', allowed)).toBe(true);
    expect(isModuleAllowed('yaml.loader', allowed)).toBe(true);
    expect(isModuleAllowed('urllib.parse', allowed)).toBe(true);
    expect(isModuleAllowed('urllib.request', allowed)).toBe(false);
    expect(isModuleAllowed('urllib', allowed)).toBe(false);
    expect(isModuleAllowed('os', allowed)).toBe(false);
  });

  it('finds import sites with their line and column', () => {
    const code = 'import json, os as o\nfrom urllib.parse import quote\n\ndef f():\n    import subprocess  # later\n';
    expect(findImportSites(code)).toEqual([
      { module: 'json', line: 1, col: 1 },
      { module: 'os', line: 1, col: 1 },
      { module: 'urllib.parse', line: 2, col: 1 },
      { module: 'subprocess', line: 5, col: 5 },
    ]);
  });

  it('reports each disallowed import at its line, trusting the analysis for what is really imported', () => {
    const code = '"""\nimport socket  (in a docstring)\n"""\nimport json\nfrom urllib.request import urlopen\nimport os\n';
    const errors = checkToolImports('servers/a/tools/t.py', code, analysis(['json', 'os', 'urllib']), allowed);
    expect(errors.map((e) => [e.line, e.message.match(/'([^']+)'/)?.[1]])).toEqual([
      [5, 'urllib.request'],
      [6, 'os'],
    ]);
    expect(errors[0]!.message).toContain('policy/modules.yaml');
  });

  it('reports an import the scan cannot place at line 1', () => {
    const errors = checkToolImports('t.py', "m = __import__('ctypes')\n", analysis(['ctypes']), allowed);
    expect(errors).toEqual([expect.objectContaining({ file: 't.py', line: 1, col: 1 })]);
  });
});
