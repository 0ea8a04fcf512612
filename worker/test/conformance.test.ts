// The official MCP conformance suite's authorization-server scenarios against the real Worker:
// the suite fetches the RFC 8414 metadata, prints an authorization URL and waits on its own loopback
// callback; the headless browser plays the person (consent, upstream login) and lands there.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freePort } from '../../gateway/test/support/cli-process.ts';
import { startFront, type FrontFixture } from './support/front-fixture.ts';
import { HeadlessBrowser, signIn } from './support/headless-browser.ts';

const CONFORMANCE = new URL('../../node_modules/@modelcontextprotocol/conformance/dist/index.js', import.meta.url).pathname;

let fx: FrontFixture;
beforeAll(async () => {
  fx = await startFront();
}, 300_000);
afterAll(async () => {
  await fx?.close();
});

interface Check {
  id: string;
  status: string;
  errorMessage?: string;
}

function readChecks(dir: string): Check[] {
  const checks: Check[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name === 'checks.json') checks.push(...(JSON.parse(readFileSync(path, 'utf8')) as Check[]));
    }
  };
  walk(dir);
  return checks;
}

/** Runs every authorization-server scenario of the suite (the grant needs the metadata one's result). */
async function runAuthorizationScenarios(extra: string[], onOutput?: (text: string) => void): Promise<{ code: number | null; output: string; checks: Check[] }> {
  const outputDir = mkdtempSync(join(tmpdir(), 'mcpbox-conformance-'));
  const child = spawn(process.execPath, [CONFORMANCE, 'authorization', '--url', fx.origin, '--output-dir', outputDir, ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const take = (c: Buffer) => {
    output += c.toString();
    onOutput?.(output);
  };
  child.stdout.on('data', take);
  child.stderr.on('data', take);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, output, checks: readChecks(outputDir) };
}

it('authorization-server-metadata-endpoint and authorization-code-grant pass, the person played by the headless browser', async () => {
  const port = await freePort();
  const registration = await fetch(`${fx.origin}/oauth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client_name: 'MCP conformance', redirect_uris: [`http://127.0.0.1:${port}/callback`], grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'none' }),
  });
  const { client_id } = (await registration.json()) as { client_id: string };
  let browsing: Promise<void> | undefined;
  const { checks, output } = await runAuthorizationScenarios(['--client-id', client_id, '--resource', fx.mcpUrl, '--port', String(port)], (text) => {
    const url = new RegExp(`(${fx.origin.replace(/[.:/]/g, '\\$&')}/authorize\\?\\S+)`).exec(text)?.[1];
    if (url === undefined || browsing !== undefined) return;
    browsing = (async () => {
      const browser = new HeadlessBrowser();
      const { back } = await signIn(browser, url);
      await browser.request(back.toString()); // the suite's own callback server
    })();
  });
  await browsing;
  // The metadata scenario reports its checks as authorization-server-metadata (RFC 8414) and -cimd.
  expect(checks.map((c) => c.id).sort(), output).toEqual(['authorization-code-grant', 'authorization-server-metadata', 'authorization-server-metadata-cimd']);
  expect(checks.filter((c) => c.status !== 'SUCCESS'), output).toEqual([]);
});
