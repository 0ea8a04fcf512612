// What the parent tells a sandbox child at spawn (argv[2], JSON). Paths are absolute; directories
// end with a slash. The same file is read by the parent to build it.

import * as z from 'zod';

export const ChildConfigSchema = z.strictObject({
  role: z.enum(['server', 'analyze']),
  pyodideDir: z.string().endsWith('/'),
  pyodideModuleUrl: z.string(),
  snapshotPath: z.string(),
  heapCapBytes: z.number().int().positive(),
  recycleBytes: z.number().int().positive(),
  graceMs: z.number().int().positive(),
  analyzeTimeoutMs: z.number().int().positive(),
  maxMessageBytes: z.number().int().positive(),
  spare: z.boolean(),
  /** Call hygiene (runner.py): detect what a call left behind and recycle the interpreter. */
  hygiene: z.boolean().optional(),
});
export type ChildConfig = z.infer<typeof ChildConfigSchema>;
