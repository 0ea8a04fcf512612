// Imported first by every entry that runs under Node's permission model (child main thread and each
// Pyodide worker). Emscripten's NODEFS set-up calls process.binding('constants'), which the model
// refuses; answer that one call from the public constants and refuse everything else.

import fs from 'node:fs';
import os from 'node:os';

const refused = (name: string) => () => {
  throw new Error(`process.${name} is not available in the sandbox`);
};
const proc = process as unknown as Record<string, unknown>;
proc['binding'] = (name: string) => {
  if (name === 'constants') return { fs: fs.constants, os: os.constants };
  throw new Error('process.binding is not available in the sandbox');
};
