// One gateway-like process start for the restart bench: open the state store, create the sandbox
// and the reconciler, and report how long after the process began it serves the last applied
// revision (module loading included). Usage: node reconcile-restart-process.ts <gitDir> <dataDir>
import { performance } from 'node:perf_hooks';
import { openStateStore } from '@mcpbox/core';
import { GitRevisionSource, Reconciler } from '@mcpbox/reconciler';
import { createSandbox } from '@mcpbox/sandbox';

const [gitDir, dataDir] = process.argv.slice(2) as [string, string];
const sandbox = createSandbox({ dataDir });
const store = openStateStore(dataDir);
const reconciler = new Reconciler({ dataDir, store, source: new GitRevisionSource(gitDir), sandbox, pollIntervalMs: 0, requestPollMs: 0 });
await reconciler.start();
const servedMs = performance.now(); // performance's origin is the start of this process
const live = reconciler.registry.current();
process.stdout.write(JSON.stringify({ servedMs, tools: live?.tools.size ?? 0, analyzed: reconciler.analyzer.analyzedTotal }) + '\n');
await reconciler.idle();
await reconciler.stop();
await sandbox.close();
store.close();
