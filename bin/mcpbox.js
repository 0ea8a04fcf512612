#!/usr/bin/env node
// Entry point of the `mcpbox` command. The project runs TypeScript natively, which needs
// Node >= 22.18; the project carries Node 24 (the `node` dev dependency), so when an older
// system Node starts this file we re-run it on the project's own runtime.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  const carried = fileURLToPath(new URL('../node_modules/node/bin/node', import.meta.url));
  if (!existsSync(carried)) {
    console.error(`mcpbox needs Node 24 (found ${process.version}). Run "npm install" in the project first.`);
    process.exit(2);
  }
  const r = spawnSync(carried, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
await import('../gateway/src/cli/main.ts');
