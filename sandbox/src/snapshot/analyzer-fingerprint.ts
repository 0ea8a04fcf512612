// What an analysis result depends on: the Python that derives it (analyze.py), the interpreter
// (pyodide's version) and the built-in safe set. Callers that cache analyses by blob id key them with
// this too, so upgrading mcpbox never serves an analysis made by an older analyzer.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SAFE_MODULES } from '../policy/safe-modules.ts';

let cached: string | undefined;

export function analyzerFingerprint(): string {
  if (cached !== undefined) return cached;
  const analyzeSource = readFileSync(fileURLToPath(new URL('../runner/analyze.py', import.meta.url)));
  const pyodideManifest = readFileSync(fileURLToPath(new URL('package.json', import.meta.resolve('pyodide'))), 'utf8');
  const pyodideVersion = (JSON.parse(pyodideManifest) as { version: string }).version;
  cached = `analyze:${createHash('sha256').update(pyodideVersion).update('\0').update(analyzeSource).update('\0').update(SAFE_MODULES.join(',')).digest('hex').slice(0, 16)}`;
  return cached;
}
