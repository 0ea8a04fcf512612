// The bridge must connect to the address it checked, even when the environment tells Node to
// send HTTP through a proxy (NODE_USE_ENV_PROXY + HTTP_PROXY): a proxy would resolve and
// connect on its own, outside the guard.

import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startServer, type TestServer } from './fixtures.ts';

let proxy: TestServer;
let target: TestServer;

beforeAll(async () => {
  proxy = await startServer();
  proxy.route('/', (_req, res) => res.end('via proxy'));
  target = await startServer();
  target.route('/', (_req, res) => res.end('direct'));
});

afterAll(async () => {
  await Promise.all([proxy?.close(), target?.close()]);
});

it('ignores proxy environment variables that Node itself honours', async () => {
  const proxyUrl = `http://127.0.0.1:${proxy.port}`;
  const child = fileURLToPath(new URL('./proxy-env-child.ts', import.meta.url));
  const { stdout } = await promisify(execFile)(process.execPath, [child], {
    env: { NODE_USE_ENV_PROXY: '1', HTTP_PROXY: proxyUrl, http_proxy: proxyUrl, HTTPS_PROXY: proxyUrl, NO_PROXY: '', TARGET_PORT: String(target.port) },
    timeout: 30_000,
  });
  const seen = JSON.parse(stdout) as { viaNode: string; viaBridge: string };
  // The control shows the environment really does divert Node's default agent…
  expect(seen.viaNode).toBe('via proxy');
  // …and the bridge still went straight to the checked address.
  expect(seen.viaBridge).toBe('direct');
  expect(proxy.requests.length).toBe(1);
});
