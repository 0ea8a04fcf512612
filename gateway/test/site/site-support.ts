// What the status-site tests need on any machine: where the built site is (the global setup builds
// it when stale) and Debian's Chromium (installed when missing, as CI does).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { SITE_DIST_DIR } from '@mcpbox/site/build';

export const REPO_ROOT = new URL('../../../', import.meta.url).pathname;
export const SITE_DIR = join(REPO_ROOT, 'site');
export const SITE_DIST = SITE_DIST_DIR;
const CHROMIUM = '/usr/bin/chromium';

/** Installs Debian's chromium when it is missing (CI runs as root with no browser). */
export function ensureChromium(): void {
  if (existsSync(CHROMIUM)) return;
  execFileSync('flock', ['/tmp/mcpbox-apt.lock', 'sh', '-c', `test -x ${CHROMIUM} || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium)`], {
    stdio: 'ignore',
    timeout: 600_000,
  });
}

export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    // Without the background-networking flags Chromium keeps calling home on a closed network.
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
