// The built site on its own: nothing in it points at another host, a build given data renders
// every page without JavaScript, and the gateway serves only files of dist/ under /status/ (with a
// clear answer when the site was never built).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initRepo } from '@mcpbox/core';
import { createGateway, type Gateway } from '../../src/index.ts';
import { IDENTITY, TEMPLATE_DIR } from '../support/gateway-fixture.ts';
import { TestRegistry } from '../support/test-registry.ts';
import { REPO_ROOT, SITE_DIR, SITE_DIST } from './site-support.ts';

const temp = mkdtempSync(join(tmpdir(), 'mcpbox-site-build-'));
const repo = join(temp, 'repo.git');
const gateways: Gateway[] = [];

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

/** URLs that would make a browser leave the origin: absolute http(s), protocol-relative src/href/url(). */
function externalReferences(text: string): string[] {
  const found = [...text.matchAll(/\bhttps?:\/\/[^\s"'`)<>]+/gi)].map((m) => m[0]);
  found.push(...[...text.matchAll(/(?:src|href|action)\s*=\s*["']?\s*\/\/[^\s"'>]+/gi)].map((m) => m[0]));
  found.push(...[...text.matchAll(/url\(\s*["']?\/\/[^)]+\)/gi)].map((m) => m[0]));
  found.push(...[...text.matchAll(/@import\s+["']?(?:https?:)?\/\//gi)].map((m) => m[0]));
  return found;
}

async function startGateway(siteDir: string, dataDir: string): Promise<string> {
  const gateway = await createGateway({
    config: { host: '127.0.0.1', port: 0, repo, dataDir, allowedHosts: ['127.0.0.1'], allowedOrigins: ['127.0.0.1'], logLevel: 'silent' },
    registry: new TestRegistry(),
    logger: pino({ level: 'silent' }),
    statusSite: { siteDir },
  });
  gateways.push(gateway);
  return new URL(await gateway.listen()).origin;
}

beforeAll(async () => {
  await initRepo(repo, TEMPLATE_DIR, IDENTITY);
});

afterAll(async () => {
  for (const g of gateways) await g.close();
  rmSync(temp, { recursive: true, force: true });
});

describe('the built status site', () => {
  it('refers to no external host in any page, stylesheet or script', () => {
    const files = filesUnder(SITE_DIST).filter((f) => ['.html', '.css', '.js', '.json', '.svg'].includes(extname(f)));
    expect(files.filter((f) => f.endsWith('.html')).length).toBe(5);
    const external = files.flatMap((f) => externalReferences(readFileSync(f, 'utf8')).map((url) => `${f}: ${url}`));
    expect(external).toEqual([]);
  });

  it('the check itself catches external references', () => {
    expect(externalReferences('<link href="https://fonts.example.com/x.css">')).toHaveLength(1);
    expect(externalReferences('<script src="//cdn.example.com/x.js"></script>')).toHaveLength(1);
    expect(externalReferences('body{background:url(//img.example.com/a.png)}')).toHaveLength(1);
    expect(externalReferences('<a href="/status/servers/">servers</a>')).toHaveLength(0);
  });

  it('built with data from a checkout, every page reads without JavaScript', () => {
    const data = join(temp, 'data.json');
    const out = join(temp, 'dist');
    execFileSync(process.execPath, [join(SITE_DIR, 'scripts/compose-data.ts'), '--repo', repo, '--out', data, '--commit-url', 'https://forge.invalid/c/{sha}'], { cwd: REPO_ROOT, stdio: 'pipe' });
    const env: NodeJS.ProcessEnv = { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', ASTRO_TELEMETRY_DISABLED: '1', MCPBOX_SITE_DATA: data, MCPBOX_SITE_BASE: '/tools/' };
    execFileSync(join(REPO_ROOT, 'node_modules/.bin/astro'), ['build', '--outDir', out], { cwd: SITE_DIR, env, stdio: 'pipe', timeout: 180_000 });
    const page = (path: string) => readFileSync(join(out, path, 'index.html'), 'utf8');
    expect(page('servers')).toContain('href="/tools/tool/?id=examples__text_stats#tool-examples__text_stats"');
    const tool = page('tool');
    expect(tool).toContain('id="tool-examples__text_stats"');
    expect(tool).toContain('class="shiki');
    expect(tool).toContain('href="https://forge.invalid/c/');
    expect(page('')).toContain('Built from a checkout');
    expect(page('policy')).toContain('Built-in safe set');
    expect(page('pending')).toContain('No open pull requests.');
  }, 240_000);

  it('the gateway serves dist/ files only, and says how to build when dist/ is missing', async () => {
    const origin = await startGateway(SITE_DIST, join(temp, 'no-status'));
    const page = await fetch(`${origin}/status/servers/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    for (const path of ['/status/..%2f..%2fpackage.json', '/status/%2e%2e/%2e%2e/package.json', '/status/_astro/..%2f..%2f..%2fpackage.json']) {
      const response = await fetch(origin + path);
      expect(response.status, path).toBe(404);
      expect(await response.text(), path).not.toContain('"workspaces"');
    }
    const tool = await fetch(`${origin}/status/tools/examples__text_stats.json`);
    expect(tool.status).toBe(200);
    const detail = (await tool.json()) as { code: string; codeHtml: string; versions: unknown[] };
    expect(detail.code).toContain('async def main');
    expect(detail.codeHtml).toContain('class="shiki');
    expect(detail.versions).toHaveLength(1);
    for (const missing of ['examples__nope.json', 'Examples.json', '..%2fdata.json']) {
      const response = await fetch(`${origin}/status/tools/${missing}`);
      expect(response.status, missing).toBe(404);
    }
    const summary = (await (await fetch(`${origin}/status/data.json`)).json()) as { tools: Array<Record<string, unknown>> };
    expect(summary.tools[0]).not.toHaveProperty('code');

    const status = await fetch(`${origin}/status/status.json`);
    expect(status.status).toBe(404);
    expect(((await status.json()) as { message: string }).message).toContain('first reconcile');

    const empty = mkdtempSync(join(temp, 'empty-'));
    writeFileSync(join(empty, 'unrelated.txt'), 'x');
    const unbuilt = await startGateway(empty, join(temp, 'no-status'));
    const missing = await fetch(`${unbuilt}/status/`);
    expect(missing.status).toBe(503);
    expect(await missing.text()).toContain('npm run build -w site');
    const data = await fetch(`${unbuilt}/status/data.json`);
    expect(data.status).toBe(200);
    expect(((await data.json()) as { servers: Array<{ name: string }> }).servers.map((s) => s.name)).toContain('examples');
  });
});

describe('links to the forge', () => {
  it('point at GitHub and Gitea pages, and nowhere for the local forge or an ssh clone URL', async () => {
    const { forgeLinks } = await import('../../src/http/status-site-links.ts');
    expect(forgeLinks({ kind: 'github', repoUrl: 'https://github.com/acme/mcp-tools.git' })).toEqual({
      commit: 'https://github.com/acme/mcp-tools/commit/{sha}',
      pull: 'https://github.com/acme/mcp-tools/pull/{number}',
    });
    expect(forgeLinks({ kind: 'gitea', repoUrl: 'https://gitea.example.org/acme/tools/' })).toEqual({
      commit: 'https://gitea.example.org/acme/tools/commit/{sha}',
      pull: 'https://gitea.example.org/acme/tools/pulls/{number}',
    });
    expect(forgeLinks(null)).toEqual({ commit: null, pull: null });
    expect(forgeLinks({ kind: 'github', repoUrl: 'ssh://git@github.com/acme/mcp-tools.git' })).toEqual({ commit: null, pull: null });
  });
});
