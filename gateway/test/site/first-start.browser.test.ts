// A fresh checkout's first start, as a person does it: the real `mcpbox up` (a child process) with
// bearer auth, pointed at a site directory that has no build yet (MCPBOX_SITE_DIR; the shared
// site/dist other tests serve is left alone). The gateway builds the site in the background under
// the site build lock, which this test holds for a while so the "building" answer can be seen.
// Then Chromium signs in through the form and sees the live revision; everything else is refused.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SITE_BUILD_LOCK } from '@mcpbox/site/build';
import { exited, freePort, startCli } from '../support/cli-process.ts';
import { newDataDir } from '../ops/gateway-process.ts';
import { ensureChromium, launchChromium } from './site-support.ts';

const TOKEN = 'alice-token-0123456789abcdef';
const temp = mkdtempSync(join(tmpdir(), 'mcpbox-first-start-'));
const siteDir = join(temp, 'site-dist');
let dataDir: string;
let gateway: Awaited<ReturnType<typeof startCli>>;
let origin: string;
let browser: Browser;
let lockHolder: ChildProcessWithoutNullStreams | null = null;

async function until<T>(probe: () => T | null | undefined | false | Promise<T | null | undefined | false>, ms: number, what: string): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== null && value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Takes the site build lock and keeps it until release(): the gateway's build waits meanwhile. */
async function holdBuildLock(): Promise<ChildProcessWithoutNullStreams> {
  const child = spawn('flock', [SITE_BUILD_LOCK, 'sh', '-c', 'echo locked; read _']);
  await until(() => child.stdout.read()?.toString().includes('locked'), 240_000, 'the site build lock');
  return child;
}

async function releaseBuildLock(): Promise<void> {
  if (lockHolder === null) return;
  lockHolder.stdin.end();
  await exited(lockHolder);
  lockHolder = null;
}

const bearer = { authorization: `Bearer ${TOKEN}` };

beforeAll(async () => {
  ensureChromium();
  dataDir = await newDataDir();
  lockHolder = await holdBuildLock();
  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  gateway = await startCli(
    ['up'],
    { MCPBOX_DATA_DIR: dataDir, MCPBOX_PORT: String(port), MCPBOX_SITE_DIR: siteDir, MCPBOX_AUTH: 'bearer', MCPBOX_BEARER_TOKENS: `alice:${TOKEN}`, LOG_FORMAT: 'json' },
    /claude mcp add/,
    120_000,
  );
  browser = await launchChromium();
}, 400_000);

afterAll(async () => {
  await releaseBuildLock();
  await browser?.close();
  if (gateway) {
    gateway.child.kill('SIGTERM');
    await exited(gateway.child);
  }
  rmSync(temp, { recursive: true, force: true });
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('first start from a tree without a built site', () => {
  it('answers "building" with Retry-After while the site builds, is ready for MCP meanwhile, then serves the pages', async () => {
    expect(existsSync(join(siteDir, 'index.html'))).toBe(false);
    const building = await fetch(`${origin}/status/`, { headers: bearer });
    expect(building.status).toBe(503);
    expect(building.headers.get('retry-after')).toBe('3');
    expect(await building.text()).toContain('<h1>The status site is being built</h1>');
    // Readiness is about serving main's tools, not about the pages.
    await until(async () => (await fetch(`${origin}/readyz`)).status === 200, 150_000, 'readiness');
    expect((await fetch(`${origin}/status/`, { headers: bearer })).status).toBe(503);
    expect(gateway.stdout()).toContain('"msg":"building the status site (missing or older than its sources)"');

    await releaseBuildLock();
    await until(async () => (await fetch(`${origin}/status/`, { headers: bearer })).status === 200, 240_000, 'the built site');
    expect(existsSync(join(siteDir, 'index.html'))).toBe(true);
    // Astro writes index.html before its process ends; the gateway logs once the build has finished.
    await until(() => gateway.stdout().includes('"msg":"status site built"'), 60_000, 'the build to finish');
  }, 400_000);

  it('refuses /status/ without a cookie or token: 401 for a script, a redirect to the sign-in form for a browser', async () => {
    const script = await fetch(`${origin}/status/data.json`);
    expect(script.status).toBe(401);
    expect(script.headers.get('www-authenticate')).toBe('Bearer realm="mcpbox"');
    expect(await script.json()).toEqual({ error: 'unauthorized', message: 'Missing bearer token: send "Authorization: Bearer <token>".' });

    const page = await fetch(`${origin}/status/`, { headers: { accept: 'text/html' }, redirect: 'manual' });
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/status/login');

    const forged = await fetch(`${origin}/status/data.json`, { headers: { cookie: 'mcpbox_status=forged-session-id' } });
    expect(forged.status).toBe(401);
    expect(await forged.json()).toEqual({ error: 'session_invalid', message: 'The status-site session is unknown or has expired; sign in again at /status/login.' });
  });

  it('signs in through the form: a wrong token gets the exact error, the right one opens the page with the live revision', async () => {
    const live = ((await (await fetch(`${origin}/readyz`)).json()) as { checks: { registry: { revision: string } } }).checks.registry.revision;
    const context = await browser.newContext();
    const page = await context.newPage();
    const urls: string[] = [];
    page.on('request', (request) => urls.push(request.url()));
    await page.goto(`${origin}/status/`);
    expect(new URL(page.url()).pathname).toBe('/status/login');

    await page.fill('#token', 'not-the-token-at-all');
    const [refused] = await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
    expect(refused?.status()).toBe(401);
    expect(await page.textContent('[data-testid="login-error"]')).toBe('The bearer token is not valid.');

    await page.fill('#token', TOKEN);
    await Promise.all([page.waitForURL(`${origin}/status/`), page.click('button[type="submit"]')]);
    await page.waitForSelector('#content[data-loaded="true"]', { timeout: 30_000 });
    expect(await page.getAttribute('[data-testid="live-revision"] code', 'title')).toBe(live);
    // The token travelled in the POST body only, never in a URL.
    expect(urls.filter((url) => url.includes(TOKEN))).toEqual([]);

    const [cookie] = await context.cookies(`${origin}/status/`);
    expect(cookie).toMatchObject({ name: 'mcpbox_status', path: '/status/', httpOnly: true, sameSite: 'Strict', secure: false });
    expect(cookie!.expires).toBeGreaterThan(Date.now() / 1000);
    // The cookie opens the status site only: /metrics stays token-only.
    const header = { cookie: `mcpbox_status=${cookie!.value}` };
    expect((await fetch(`${origin}/status/data.json`, { headers: header })).status).toBe(200);
    expect((await fetch(`${origin}/metrics`, { headers: header })).status).toBe(401);
    expect((await fetch(`${origin}/metrics`, { headers: bearer })).status).toBe(200);
    expect(gateway.stdout()).not.toContain(TOKEN);
    expect(gateway.stdout()).not.toContain(cookie!.value);

    // Signing out ends the session on the server, not just in this browser.
    await page.goto(`${origin}/status/login`);
    expect(await page.textContent('[data-testid="signed-in-as"]')).toBe('alice');
    await Promise.all([page.waitForURL(`${origin}/status/login`), page.click('button[type="submit"]')]);
    expect(await context.cookies(`${origin}/status/`)).toEqual([]);
    const after = await fetch(`${origin}/status/data.json`, { headers: header });
    expect(after.status).toBe(401);
    expect(((await after.json()) as { error: string }).error).toBe('session_invalid');
    await context.close();
  }, 120_000);

  it('refuses a sign-in from another origin, and limits sign-in attempts per address', async () => {
    const form = (origin_: string | null) =>
      fetch(`${origin}/status/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...(origin_ === null ? {} : { origin: origin_ }) },
        body: new URLSearchParams({ token: TOKEN }).toString(),
        redirect: 'manual',
      });
    // No Origin, or another origin this gateway would otherwise accept (localhost for 127.0.0.1).
    for (const other of [null, origin.replace('127.0.0.1', 'localhost')]) {
      const refused = await form(other);
      expect(refused.status).toBe(403);
      expect(await refused.text()).toContain('This sign-in did not come from this site&#39;s own form (its Origin header is missing or names another site).');
    }
    // A foreign origin is already stopped by the gateway's Origin guard, before any sign-in code.
    const foreign = await form('http://evil.example');
    expect(foreign.status).toBe(403);
    expect(((await foreign.json()) as { error: { message: string } }).error.message).toBe('Invalid Origin: evil.example');
    let limited: Response | null = null;
    for (let attempt = 0; attempt < 12 && limited === null; attempt++) {
      const response = await form(origin);
      if (response.status === 429) limited = response;
      else expect(response.status).toBe(303);
    }
    expect(limited?.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await limited!.text()).toMatch(/Too many sign-in attempts from this address \(at most 10 a minute\)\. Try again in \d+ s\./);
  });
});
