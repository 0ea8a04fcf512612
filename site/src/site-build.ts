// Building the status site, node side: where the pages are built, when a build is stale (missing, or
// older than its sources), and the lock under which builds run one at a time, for the gateway (on
// start) and the test setup alike. Two builds at once would rewrite Astro's shared caches under
// each other, so every build takes the lock and re-checks freshness inside it.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The site workspace: its sources and the Astro project. */
export const SITE_ROOT = fileURLToPath(new URL('../', import.meta.url));
/** The default build (`npm run build -w site`), which the gateway serves at /status/. */
export const SITE_DIST_DIR = join(SITE_ROOT, 'dist/');
/** A kernel lock (flock): released when its holder dies, so a killed build never blocks the next. */
export const SITE_BUILD_LOCK = join(tmpdir(), 'mcpbox-site-build.lock');
const BUILD_SCRIPT = join(SITE_ROOT, 'scripts', 'build-if-stale.ts');
const BUILD_TIMEOUT_MS = 180_000;

/** A build that did not finish: the reason is Astro's last output lines, for the gateway log. */
export class SiteBuildFailed extends Error {
  readonly kind = 'site_build_failed';
  readonly detail: string;

  constructor(detail: string) {
    super(`the status site could not be built: ${detail}`);
    this.name = 'SiteBuildFailed';
    this.detail = detail;
  }
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Whether `outDir` lacks a build, or holds one older than the site's sources. */
export function siteIsStale(outDir: string = SITE_DIST_DIR): boolean {
  const index = join(outDir, 'index.html');
  if (!existsSync(index)) return true;
  return statSync(index).mtimeMs < Math.max(newestMtime(join(SITE_ROOT, 'src')), statSync(join(SITE_ROOT, 'astro.config.mjs')).mtimeMs);
}

// Not the caller's environment: under vitest it carries BASE_URL, MODE, NODE_ENV… which Vite inside
// Astro would obey, and a MCPBOX_SITE_BASE meant for a Pages build would move the pages off /status/.
function buildEnvironment(): NodeJS.ProcessEnv {
  return { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? tmpdir(), ASTRO_TELEMETRY_DISABLED: '1' };
}

/** Runs Astro into `outDir` when it is stale. Call it only while holding SITE_BUILD_LOCK (scripts/build-if-stale.ts does). */
export function buildSiteUnderLock(outDir: string): void {
  if (!siteIsStale(outDir)) return;
  const astro = join(dirname(createRequire(import.meta.url).resolve('astro/package.json')), 'bin', 'astro.mjs');
  execFileSync(process.execPath, [astro, 'build', '--outDir', outDir], { cwd: SITE_ROOT, env: buildEnvironment(), stdio: ['ignore', 'ignore', 'inherit'], timeout: BUILD_TIMEOUT_MS });
}

function lockedBuild(outDir: string): [string, string[]] {
  return ['flock', [SITE_BUILD_LOCK, process.execPath, BUILD_SCRIPT, outDir]];
}

/** Builds `outDir` when stale, under the lock, blocking: for the test setup. */
export function buildSiteIfStaleSync(outDir: string = SITE_DIST_DIR): void {
  if (!siteIsStale(outDir)) return;
  const [command, args] = lockedBuild(outDir);
  try {
    execFileSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: BUILD_TIMEOUT_MS + 60_000 });
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString('utf8') ?? '';
    throw new SiteBuildFailed(lastLines(stderr) || (err instanceof Error ? err.message.split('\n', 1)[0]! : String(err)));
  }
}

/** Builds `outDir` when stale, under the lock, in a child process: the caller's event loop keeps serving. */
export function buildSiteIfStale(outDir: string = SITE_DIST_DIR): Promise<void> {
  if (!siteIsStale(outDir)) return Promise.resolve();
  const [command, args] = lockedBuild(outDir);
  return new Promise((resolve, reject) => {
    // Its own process group, and not holding the caller's event loop: a gateway stopped (or a
    // terminal's Ctrl-C) during the build exits at once, and the build still finishes whole (a
    // killed one could leave a dist/ with pages but not all their assets).
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: BUILD_TIMEOUT_MS + 60_000, detached: true });
    child.unref();
    (child.stderr as unknown as { unref(): void }).unref();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-8_000);
    });
    child.on('error', (err) => reject(new SiteBuildFailed(`${command}: ${err.message}`)));
    child.on('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new SiteBuildFailed(lastLines(stderr) || `the build exited with ${signal ?? `code ${code}`}`));
    });
  });
}

function lastLines(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, '').trim().split('\n').slice(-5).join(' | ');
}
