// A reconciler in its own process, for the kill -9 test: serves the repo at argv[2] with the data
// dir at argv[3], and reports on stdout, one JSON line each, what it serves.
import { openStateStore } from '@mcpbox/core';
import { GitRevisionSource, Reconciler } from '@mcpbox/reconciler';
import { createSandbox } from '@mcpbox/sandbox';

const [gitDir, dataDir, sandboxDir] = process.argv.slice(2) as [string, string, string];
const report = (event: object) => process.stdout.write(JSON.stringify(event) + '\n');

const sandbox = createSandbox({ dataDir: sandboxDir });
const reconciler = new Reconciler({
  dataDir,
  store: openStateStore(dataDir),
  source: new GitRevisionSource(gitDir),
  sandbox,
  pollIntervalMs: 0,
  requestPollMs: 50,
});
reconciler.registry.onChange((next) => report({ event: 'applied', revision: next.revision, digest: next.digest, tools: next.tools.size }));
await reconciler.start();
const current = reconciler.registry.current();
report({ event: 'started', revision: current?.revision ?? null, digest: current?.digest ?? null, tools: current?.tools.size ?? 0 });
await reconciler.idle();
report({ event: 'idle', status: reconciler.status() });
setInterval(() => {}, 60_000); // stay up until killed, like the gateway
