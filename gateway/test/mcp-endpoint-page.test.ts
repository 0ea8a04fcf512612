// Opening the printed /mcp URL in a browser shows how to connect a client; MCP clients are unaffected.
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { createGateway } from '../src/index.ts';
import { makeRepo } from './support/gateway-fixture.ts';
import { TestRegistry } from './support/test-registry.ts';

// What Chromium sends when a person opens a URL.
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8';
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanups) await c();
});

describe('/mcp opened in a browser', () => {
  it('answers a page with the connect command, while an MCP GET without a session keeps its JSON-RPC error', async () => {
    const { dir, repo } = await makeRepo();
    const gateway = await createGateway({
      config: { host: '127.0.0.1', port: 0, repo, allowedHosts: ['127.0.0.1', 'localhost'], allowedOrigins: [], logLevel: 'silent' },
      registry: new TestRegistry(),
      logger: pino({ level: 'silent' }),
    });
    cleanups.push(async () => {
      await gateway.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const port = new URL(await gateway.listen()).port;
    const endpoint = `http://127.0.0.1:${port}/mcp`;

    const page = await fetch(endpoint, { headers: { accept: BROWSER_ACCEPT } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await page.text();
    expect(html).toContain(`<pre>claude mcp add --transport http mcpbox ${endpoint}</pre>`);
    expect(html).toContain(`<a href="http://127.0.0.1:${port}/status/">status site</a>`);

    const stream = await fetch(endpoint, { headers: { accept: 'text/event-stream' } });
    expect(stream.status).toBe(400);
    expect(((await stream.json()) as { error: { message: string } }).error.message).toMatch(/^Bad Request: no Mcp-Session-Id header/);
  });
});
