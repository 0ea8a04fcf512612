// `mcpbox remote setup` as a person runs it: the files it writes are what wrangler deploys (checked
// with wrangler's own dry-run build), the token is only in the 0600 env file, and bad input or a
// second run is refused with one line.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runCli } from '../../gateway/test/support/cli-process.ts';

const WRANGLER = new URL('../../node_modules/wrangler/bin/wrangler.js', import.meta.url).pathname;
const ARGS = ['remote', 'setup', '--public-url', 'https://mcp.example.com', '--gateway-url', 'https://origin.example.com', '--issuer', 'https://idp.example.com/realms/home', '--client-id', 'mcpbox-front', '--allowed-users', 'me@example.com,@family.example'];

function dryRunBuild(config: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [WRANGLER, 'deploy', '--dry-run', '--config', config, '--outdir', mkdtempSync(join(tmpdir(), 'mcpbox-setup-build-'))], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', WRANGLER_SEND_METRICS: 'false', CI: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('close', (code) => resolve({ code, output }));
  });
}

it('writes a deployable wrangler.toml without secrets and a 0600 env file with the token, then the steps', async () => {
  const data = mkdtempSync(join(tmpdir(), 'mcpbox-setup-'));
  const { code, stdout } = await runCli(ARGS, { MCPBOX_DATA_DIR: data });
  expect(code).toBe(0);
  const out = join(data, 'remote');
  const env = readFileSync(join(out, 'gateway.env'), 'utf8');
  const token = /^MCPBOX_FRONT_TOKEN=([0-9a-f]{64})$/m.exec(env)?.[1];
  expect(token).toBeDefined();
  expect(env).toContain('MCPBOX_FRONT_ALLOWED_USERS=me@example.com,@family.example\n');
  expect(env).toContain('MCPBOX_ALLOWED_HOSTS=origin.example.com\n');
  expect(statSync(join(out, 'gateway.env')).mode & 0o777).toBe(0o600);
  const toml = readFileSync(join(out, 'wrangler.toml'), 'utf8');
  expect(toml).not.toContain(token!);
  expect(toml).toContain('PUBLIC_URL = "https://mcp.example.com"');
  expect(toml).toContain('UPSTREAM_OIDC_ISSUER = "https://idp.example.com/realms/home"');
  expect(stdout).toContain(`npx wrangler secret put GATEWAY_SERVICE_TOKEN --config ${join(out, 'wrangler.toml')}`);
  expect(stdout).toContain('set the application\'s redirect URI to https://mcp.example.com/callback');
  expect(stdout).toContain(`npx wrangler deploy --config ${join(out, 'wrangler.toml')}`);

  const build = await dryRunBuild(join(out, 'wrangler.toml'));
  expect(build.code, build.output).toBe(0);
  expect(build.output).toContain('env.GATEWAY_URL ("https://origin.example.com")');

  const again = await runCli(ARGS, { MCPBOX_DATA_DIR: data });
  expect(again.code).toBe(1);
  expect(again.stderr).toBe(`mcpbox: ${out} already holds a remote setup; pass --force to write a new one (the Worker then needs the new GATEWAY_SERVICE_TOKEN), or see the README on rotating the service token without downtime\n`);
});

it('refuses a URL that is not https with the option it came from (exit 2)', async () => {
  const args = [...ARGS];
  args[3] = 'http://mcp.example.com';
  const { code, stderr } = await runCli(args, { MCPBOX_DATA_DIR: mkdtempSync(join(tmpdir(), 'mcpbox-setup-')) });
  expect(code).toBe(2);
  expect(stderr).toBe('mcpbox: --public-url: expected the https URL of the Worker (e.g. https://mcp.example.com)\n');
});
