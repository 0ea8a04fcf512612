// Entry of the one-off child that builds the Pyodide memory snapshot: boot Python from scratch
// (≈2 s), pre-import the modules tools use, and write the heap image atomically (temp + rename) so
// concurrent builders and readers never see a half-written file. It runs only our own code, under
// the permission model, with write access to the cache directory alone.

import './permission-shim.ts';
import fs from 'node:fs';
import * as z from 'zod';

const BuildConfigSchema = z.strictObject({
  pyodideDir: z.string(),
  pyodideModuleUrl: z.string(),
  outPath: z.string(),
  preimports: z.array(z.string()),
  runnerDir: z.string().endsWith('/'),
  httpClientPath: z.string(),
});
const config = BuildConfigSchema.parse(JSON.parse(process.argv[2] ?? '{}'));

const { loadPyodide } = (await import(config.pyodideModuleUrl)) as {
  loadPyodide: (opts: Record<string, unknown>) => Promise<{
    runPython(code: string): unknown;
    makeMemorySnapshot(): Uint8Array;
  }>;
};
const py = await loadPyodide({
  indexURL: config.pyodideDir, _makeSnapshot: true, jsglobals: Object.create(null), env: {},
  stdout: () => {}, stderr: () => {}, checkAPIVersion: false,
});
py.runPython(`
import importlib
for _name in ${JSON.stringify(config.preimports)}:
    try:
        importlib.import_module(_name)
    except Exception:
        pass
del _name
import os
# the builder's own script path; tools have no business seeing host paths
os.environ.pop('_', None)
`);
// The runner lives in the snapshot too, compiled and imported once: a worker only connects it.
const source = (file: string): string => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '');
py.runPython(`
import sys, types
_m = types.ModuleType('mcpbox_runner')
exec(compile(${JSON.stringify(source(`${config.runnerDir}runner.py`))}, '/lib/mcpbox/runner.py', 'exec'), _m.__dict__)
exec(compile(${JSON.stringify(source(`${config.runnerDir}analyze.py`))}, '/lib/mcpbox/analyze.py', 'exec'), _m.__dict__)
_m.load_http_client(${JSON.stringify(source(config.httpClientPath))})
sys.modules['mcpbox_runner'] = _m
del _m
`);
const image = py.makeMemorySnapshot();
const temp = `${config.outPath}.tmp-${process.pid}`;
fs.writeFileSync(temp, image);
fs.renameSync(temp, config.outPath);
process.exit(0);
