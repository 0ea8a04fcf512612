// Entry of a sandbox child process (one per MCP server, plus one for analysis). It reads the shared
// inputs (snapshot with the runner inside, compiled wasm), starts the first Pyodide worker at once, and only
// then loads the control plane, so Python boots while the control plane's modules load.

import './permission-shim.ts';
import fs from 'node:fs';
import { wasmApi } from './wasm-firewall.ts';
import { launchWorker, type WorkerInputs } from './worker-launcher.ts';

const rawConfig = JSON.parse(process.argv[2] ?? '{}') as Record<string, unknown>;
const text = (key: string): string => String(rawConfig[key] ?? '');

const compiling = wasmApi.compile(fs.readFileSync(`${text('pyodideDir')}pyodide.asm.wasm`));
const snapshotFile = fs.readFileSync(text('snapshotPath'));
const snapshot = new Uint8Array(new SharedArrayBuffer(snapshotFile.length));
snapshot.set(snapshotFile);
const inputs: WorkerInputs = {
  pyodideDir: text('pyodideDir'),
  pyodideModuleUrl: text('pyodideModuleUrl'),
  snapshot,
  wasmModule: await compiling,
  heapCapBytes: Number(rawConfig['heapCapBytes']),
  hygiene: rawConfig['hygiene'] !== false,
};
const first = launchWorker(inputs);
const { runControlPlane } = await import('./control-plane.ts');
runControlPlane(rawConfig, inputs, first);
