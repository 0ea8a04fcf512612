// What the status-site tests need on any machine: the built site (built once, under a lock, when
// missing or older than its sources) and Debian's Chromium (installed when missing, as CI does).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';

export const REPO_ROOT = new URL('../../../', import.meta.url).pathname;
export const SITE_DIR = join(REPO_ROOT, 'site');
export const SITE_DIST = join(SITE_DIR, 'dist');
export const CHROMIUM = '/usr/bin/chromium';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

export function siteIsStale(): boolean {
  const index = join(SITE_DIST, 'index.html');
  if (!existsSync(index)) return true;
  return statSync(index).mtimeMs < Math.max(newestMtime(join(SITE_DIR, 'src')), statSync(join(SITE_DIR, 'astro.config.mjs')).mtimeMs);
}

/** Builds site/dist when it is missing or older than its sources (run once per test run, from globalSetup). */
export function ensureSiteBuilt(): void {
  if (!siteIsStale()) return;
  // Not vitest's environment: it sets BASE_URL, MODE, NODE_ENV… which Vite inside Astro would obey.
  const env: NodeJS.ProcessEnv = { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', ASTRO_TELEMETRY_DISABLED: '1' };
  execFileSync('npm', ['run', 'build', '-w', 'site'], { cwd: REPO_ROOT, stdio: 'ignore', env, timeout: 180_000 });
}

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
