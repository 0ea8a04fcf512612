// The status site in real headless Chromium against a real gateway: a tools repo made by initRepo
// from the template, the real runtime (state store, Pyodide sandbox, reconciler) applying main,
// and the local forge for pull requests and merges. Every request the browser makes is recorded
// and must go to the gateway on 127.0.0.1.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { createLocalAdminForge, createLocalBranchForge, initRepo } from '@mcpbox/core';
import { readStatus } from '@mcpbox/reconciler';
import { createGateway, type Gateway } from '../../src/index.ts';
import { createRuntime, type Runtime } from '../../src/app/runtime.ts';
import { IDENTITY, TEMPLATE_DIR } from '../support/gateway-fixture.ts';
import { ensureChromium, launchChromium, SITE_DIST } from './site-support.ts';

const data = mkdtempSync(join(tmpdir(), 'mcpbox-site-'));
const repo = join(data, 'repo.git');
const work = join(data, 'work');
const shots = process.env['MCPBOX_SITE_SHOTS'];
let runtime: Runtime;
let gateway: Gateway;
let browser: Browser;
let context: BrowserContext;
let base: string;
let mcpUrl: string;
const requested: string[] = [];
const consoleErrors: string[] = [];

async function until<T>(probe: () => T | null | undefined | Promise<T | null | undefined>, ms: number, what: string): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== null && value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function git(...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=Admin', '-c', 'user.email=admin@example.invalid', ...args], { cwd: work, encoding: 'utf8' }).trim();
}

/** Commits the working copy and pushes it to main, as an admin would; returns the new main. */
function pushToMain(message: string): string {
  git('add', '-A');
  git('commit', '-q', '-m', message);
  git('push', '-q', 'origin', 'HEAD:main');
  return git('rev-parse', 'HEAD');
}

function watch(target: BrowserContext): BrowserContext {
  target.on('request', (request) => requested.push(request.url()));
  target.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  return target;
}

async function openPage(path: string, target: BrowserContext = context): Promise<Page> {
  const page = await target.newPage();
  await page.goto(base + path);
  await page.waitForSelector('#content[data-loaded="true"]', { timeout: 30_000 });
  return page;
}

// Lowest WCAG contrast ratio of text against its nearest painted background, over the elements
// that carry colour on these pages (text, links, muted notes, badges, error lists, table heads).
const LOWEST_CONTRAST = `(() => {
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }).reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
  const background = (el) => { for (let e = el; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor); if (c.length === 3 || c[3] > 0) return c; } return [255, 255, 255]; };
  let lowest = 21, where = '';
  for (const el of document.querySelectorAll('body, a, .muted, .note, .badge, .errors li, th, td, caption, dt, footer p, .warn')) {
    if (!el.textContent.trim()) continue;
    const a = lum(rgb(getComputedStyle(el).color)), b = lum(background(el));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < lowest) { lowest = ratio; where = el.tagName + '.' + el.className + ': ' + el.textContent.trim().slice(0, 30); }
  }
  return { lowest, where };
})()`;

// Browser-side checks are passed to page.evaluate as strings: the project type-checks without the DOM library.
async function shot(page: Page, name: string): Promise<void> {
  if (!shots) return;
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
}

beforeAll(async () => {
  ensureChromium();
  await initRepo(repo, TEMPLATE_DIR, IDENTITY);
  execFileSync('git', ['clone', '-q', repo, work]);
  const logger = pino({ level: 'silent' });
  runtime = createRuntime({ dataDir: data, repo }, logger);
  gateway = await createGateway({
    config: { host: '127.0.0.1', port: 0, repo, dataDir: data, allowedHosts: ['127.0.0.1', 'localhost'], allowedOrigins: ['127.0.0.1', 'localhost'], logLevel: 'silent' },
    registry: runtime.registry,
    sandbox: runtime.sandbox,
    serverSwitches: runtime.serverSwitches,
    logger,
    executionLogs: runtime.executionLogs,
    // Call figures come from the execution log the gateway writes: wired by createGateway itself.
    statusSite: { siteDir: SITE_DIST },
  });
  mcpUrl = await gateway.listen();
  base = `${new URL(mcpUrl).origin}/status/`;
  await runtime.start();
  await until(() => runtime.registry.current(), 150_000, 'the first revision to go live');
  browser = await launchChromium();
  context = watch(await browser.newContext());
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await gateway?.close();
  await runtime?.close();
  rmSync(data, { recursive: true, force: true });
});

describe('status site in Chromium, served by the gateway', () => {
  it('the overview shows the live revision and Ready, with landmarks and a skip link first', async () => {
    const live = runtime.registry.current()!;
    const page = await openPage('');
    expect(await page.getAttribute('[data-testid="live-revision"] code', 'title')).toBe(live.revision);
    expect(await page.textContent('#state [data-phase]')).toBe('Ready');
    expect(await page.locator('header').count()).toBe(1);
    expect(await page.locator('nav[aria-label="Status pages"]').count()).toBe(1);
    expect(await page.locator('main#content').count()).toBe(1);
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Skip to content');
    await shot(page, 'overview');
    await page.close();
  });

  it('status.json is the reconciler file and data.json names the live revision', async () => {
    const status = (await (await fetch(`${base}status.json`)).json()) as { lastAppliedRevision: string };
    expect(status.lastAppliedRevision).toBe(runtime.registry.current()!.revision);
    const site = (await (await fetch(`${base}data.json`)).json()) as { overview: { live: { revision: string } } };
    expect(site.overview.live.revision).toBe(runtime.registry.current()!.revision);
  });

  it('a tool page renders its input table, highlighted code, versions and no calls', async () => {
    const page = await openPage('tool/?id=examples__text_stats');
    expect(await page.textContent('h1')).toContain('text_stats');
    expect(await page.locator('[data-state="live"]').count()).toBe(1);
    const rows = await page.locator('table:has(caption:text("Parameters")) tbody tr').allTextContents();
    expect(rows.some((r) => r.startsWith('text'))).toBe(true);
    expect(await page.locator('pre.shiki span[style]').count()).toBeGreaterThan(5);
    expect(await page.textContent('[data-testid="no-calls"]')).toBe('No calls recorded.');
    expect(await page.locator('table:has(caption:text("Versions")) tbody tr').count()).toBeGreaterThan(0);
    await shot(page, 'tool');
    await page.close();
  });

  it('calls made over MCP show as counts, an error rate, a median and the last error', async () => {
    const client = new Client({ name: 'status-site', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(mcpUrl)));
    try {
      expect((await client.callTool({ name: 'examples__text_stats', arguments: { text: 'one two two' } })).isError).toBeFalsy();
      expect((await client.callTool({ name: 'examples__text_stats', arguments: { text: 'three', top: 2 } })).isError).toBeFalsy();
      // The tool's own check refuses top > 50: a Python ValueError, recorded as a failed call.
      expect((await client.callTool({ name: 'examples__text_stats', arguments: { text: 'x', top: 51 } })).isError).toBe(true);
    } finally {
      await client.close();
    }
    const page = await openPage('tool/?id=examples__text_stats');
    const calls = await page.textContent('[data-testid="calls"]');
    expect(calls).toContain('Calls3');
    expect(calls).toContain('1 (33.3%)');
    expect(calls).toMatch(/Median duration\d+ ms/);
    expect(await page.textContent('[aria-label="Calls"] .errors')).toContain('top must be between 0 and 50');
    await shot(page, 'tool-calls');
    await page.close();
  });

  it('a failing tool shows its error, and the overview says Stalled', async () => {
    writeFileSync(join(work, 'servers/examples/tools/broken.py'), 'async def main(text: str) -> dict:\n    return {"n": len(text)\n');
    const broken = pushToMain('Add a broken tool');
    await until(() => readStatus(data)?.failedRevision === broken, 120_000, 'the broken revision to be refused');
    const page = await openPage('tool/?id=examples__broken');
    expect(await page.getAttribute('[data-state]', 'data-state')).toBe('failing');
    expect(await page.textContent('[data-testid="tool-errors"]')).toContain('servers/examples/tools/broken.py');
    await shot(page, 'tool-failing');
    await page.goto(base);
    await page.waitForSelector('#content[data-loaded="true"]');
    expect(await page.textContent('#state [data-phase]')).toBe('Stalled');
    expect(await page.textContent('#errors')).toContain('broken.py');
    const contrast = (await page.evaluate(LOWEST_CONTRAST)) as { lowest: number; where: string };
    expect(contrast.lowest, `light overview: ${contrast.where}`).toBeGreaterThanOrEqual(4.5);
    expect(contrast.lowest, 'the measure saw coloured text').toBeLessThan(10);
    await shot(page, 'overview-stalled');
    await page.close();

    rmSync(join(work, 'servers/examples/tools/broken.py'));
    const fixed = pushToMain('Remove the broken tool');
    await until(() => runtime.registry.current()?.revision === fixed, 120_000, 'the fixed revision to go live');
  });

  let pull = 0;
  it('an open pull request appears on the pending page with its ask, as text', async () => {
    const forge = createLocalBranchForge({ gitDir: repo, identity: IDENTITY });
    await forge.createBranch({ branch: 'mcpbox/add-greet' });
    await forge.commitChanges({
      branch: 'mcpbox/add-greet',
      changes: [{ path: 'servers/examples/tools/greet.py', content: 'async def main(name: str) -> dict:\n    """Greet someone."""\n    return {"greeting": "hello " + name}\n' }],
      message: 'Add greet',
    });
    const opened = await forge.openPullRequest({ branch: 'mcpbox/add-greet', title: 'Add a greet tool', body: 'Please add a greeting tool.\n<img src=x onerror="window.__xss = 1">', kind: 'create_tool' });
    pull = opened.number;
    const page = await openPage('pending/');
    const card = page.locator(`#pr-${pull}`);
    expect(await card.textContent()).toContain('Add a greet tool');
    expect(await card.locator('.ask').textContent()).toContain('<img src=x onerror=');
    expect(await card.locator('img').count()).toBe(0);
    expect(await page.evaluate('window.__xss')).toBeUndefined();
    expect(await page.textContent('h2')).toContain('create tool');
    await shot(page, 'pending');
    await page.close();
  });

  it('a merge is reflected on an open page after the next apply, without reloading', async () => {
    const page = await openPage('');
    const admin = createLocalAdminForge({ gitDir: repo, identity: IDENTITY });
    const merged = await admin.mergePullRequest({ number: pull });
    expect(merged.mergeCommit).toBeTruthy();
    await until(() => runtime.registry.current()?.revision === merged.mergeCommit, 120_000, 'the merge to go live');
    await page.waitForSelector(`[data-testid="live-revision"] code[title="${merged.mergeCommit}"]`, { timeout: 30_000 });
    expect(await page.textContent('#live')).toContain(`#${pull}`);
    await page.goto(`${base}tool/?id=examples__greet`);
    await page.waitForSelector('#content[data-loaded="true"]');
    expect(await page.getAttribute('[data-state]', 'data-state')).toBe('live');
    expect(await page.textContent('table:has(caption:text("Versions"))')).toContain(`#${pull}`);
    await page.goto(`${base}pending/`);
    await page.waitForSelector('#content[data-loaded="true"]');
    expect(await page.textContent('#content')).toContain('No open pull requests.');
    await page.close();
  });

  it('reads on a phone in dark mode without sideways scrolling', async () => {
    const phone = watch(await browser.newContext({ viewport: { width: 375, height: 740 }, colorScheme: 'dark', isMobile: true }));
    for (const path of ['', 'servers/', 'tool/?id=examples__text_stats', 'policy/']) {
      const page = await openPage(path, phone);
      expect(await page.evaluate('getComputedStyle(document.body).backgroundColor')).toBe('rgb(13, 17, 23)');
      expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth + 1')).toBe(true);
      const contrast = (await page.evaluate(LOWEST_CONTRAST)) as { lowest: number; where: string };
      expect(contrast.lowest, `dark ${path}: ${contrast.where}`).toBeGreaterThanOrEqual(4.5);
      await shot(page, `phone-dark-${path.replace(/[^a-z]+/g, '-') || 'overview'}`);
      await page.close();
    }
    await phone.close();
  });

  it('every request went to the gateway on 127.0.0.1 and the console stayed clean', () => {
    expect(requested.length).toBeGreaterThan(10);
    const elsewhere = requested.filter((url) => !url.startsWith('data:') && new URL(url).hostname !== '127.0.0.1');
    expect(elsewhere).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });
});
