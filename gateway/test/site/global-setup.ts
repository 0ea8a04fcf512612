// Once per test run: build the status site when its sources changed, so the site tests serve a
// current dist/. Test runs started together (several people share a checkout) build one at a time
// under a lock. A failed build does not stop other suites; the site tests then fail on the missing
// pages and say why.
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { siteIsStale } from './site-support.ts';

export default function setup(): void {
  if (!siteIsStale()) return;
  try {
    execFileSync('flock', [join(tmpdir(), 'mcpbox-site-build.lock'), process.execPath, join(import.meta.dirname, 'build-site-if-stale.ts')], { stdio: 'ignore', timeout: 240_000 });
  } catch (err) {
    console.warn(`status site build failed (npm run build -w site): ${err instanceof Error ? err.message.split('\n', 1)[0] : String(err)}`);
  }
}
