// The whole remote path on this machine: the real Worker (bundled by `wrangler deploy --dry-run`
// exactly as it would be deployed, run by Miniflare in workerd) in front of a real `mcpbox up` child
// process, with the test OpenID provider as the user's identity provider. The Worker reaches the
// gateway through a service binding to its loopback port, as a Workers VPC binding would reach the
// tunnel. Its other outbound fetches (the identity provider, client metadata documents on their
// https URLs) are routed by the test, since nothing public is reachable here.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { convertV4MiniflareOptions, Miniflare, Response as WorkerdResponse } from 'miniflare';
import { unstable_readConfig } from 'wrangler';
import { exited, freePort, startCli } from '../../../gateway/test/support/cli-process.ts';
import { startOidcProvider, type OidcProvider } from './oidc-provider.ts';

const WORKER_DIR = new URL('../../', import.meta.url).pathname;
const WRANGLER = new URL('../../../node_modules/wrangler/bin/wrangler.js', import.meta.url).pathname;

export interface FrontOptions {
  allowedUsers?: string;
  allowedGroups?: string;
  /** MCPBOX_FRONT_ALLOWED_USERS at the gateway; unset means the same as allowedUsers. */
  gatewayAllowedUsers?: string;
  /** Extra gateway environment (e.g. a previous front token during rotation). */
  gatewayEnv?: Record<string, string>;
  /** The service token the Worker sends; defaults to the gateway's MCPBOX_FRONT_TOKEN. */
  workerServiceToken?: string;
  redirectUris?: string;
}

export interface FrontFixture {
  /** The Worker's origin, and its MCP endpoint (the resource). */
  origin: string;
  mcpUrl: string;
  /** The gateway's own MCP endpoint, and a bearer token for calling it directly. */
  gatewayMcpUrl: string;
  directToken: string;
  serviceToken: string;
  dataDir: string;
  idp: OidcProvider;
  /** Client ID Metadata Documents served at https://clients.test/<path>. */
  metadataDocuments: Map<string, unknown>;
  miniflare: Miniflare;
  gatewayLog: () => string;
  close(): Promise<void>;
}

export const CLIENTS_ORIGIN = 'https://clients.test';

let built: Promise<string> | undefined;

/** Bundles the Worker once per test process with wrangler, as `wrangler deploy` would. */
function buildWorker(): Promise<string> {
  built ??= new Promise((resolve, reject) => {
    const out = mkdtempSync(join(tmpdir(), 'mcpbox-worker-build-'));
    const child = spawn(process.execPath, [WRANGLER, 'deploy', '--dry-run', '--outdir', out], {
      cwd: WORKER_DIR,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', WRANGLER_SEND_METRICS: 'false', CI: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('close', (code) => (code === 0 ? resolve(join(out, 'index.js')) : reject(new Error(`wrangler deploy --dry-run failed (${code}): ${output}`))));
  });
  return built;
}

async function forwardToLoopback(request: Request): Promise<Response> {
  const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : await request.arrayBuffer();
  const response = await fetch(request.url, { method: request.method, headers: request.headers, body, redirect: 'manual' });
  return new WorkerdResponse(await response.arrayBuffer(), { status: response.status, headers: [...response.headers] }) as unknown as Response;
}

export async function startFront(options: FrontOptions = {}): Promise<FrontFixture> {
  const scriptPath = await buildWorker();
  const config = unstable_readConfig({ config: join(WORKER_DIR, 'wrangler.toml') });
  const idp = await startOidcProvider();
  const dataDir = mkdtempSync(join(tmpdir(), 'mcpbox-front-'));
  const serviceToken = randomBytes(32).toString('hex');
  const directToken = randomBytes(24).toString('hex');
  const allowedUsers = options.allowedUsers ?? 'alice@example.com,@team.example.com';
  const gatewayPort = await freePort();
  const gatewayEnv: Record<string, string> = {
    MCPBOX_DATA_DIR: dataDir,
    MCPBOX_PORT: String(gatewayPort),
    MCPBOX_AUTH: 'bearer',
    MCPBOX_BEARER_TOKENS: `direct:${directToken}`,
    MCPBOX_FRONT_TOKEN: serviceToken,
    MCPBOX_FRONT_ALLOWED_USERS: options.gatewayAllowedUsers ?? allowedUsers,
    MCPBOX_REMOTE_TOOL_EDITING: 'true',
    MCPBOX_RATE_LIMIT_PER_MINUTE: '100000',
    LOG_LEVEL: 'info',
    ...options.gatewayEnv,
  };
  let gateway: { child: ChildProcess; stderr: () => string; stdout: () => string };
  try {
    gateway = await startCli(['up'], gatewayEnv, /claude mcp add/);
  } catch (err) {
    await idp.close();
    throw err;
  }

  const stopGateway = async () => {
    gateway.child.kill('SIGTERM');
    await exited(gateway.child).catch(() => gateway.child.kill('SIGKILL'));
  };
  // Live tools appear once the reconciler has applied main (Pyodide analysis takes a few seconds).
  for (let ready = false; !ready; ) {
    ready = (await fetch(`http://127.0.0.1:${gatewayPort}/readyz`).catch(() => null))?.status === 200;
    if (!ready) await new Promise((r) => setTimeout(r, 200));
  }

  const workerPort = await freePort();
  const origin = `http://127.0.0.1:${workerPort}`;
  const metadataDocuments = new Map<string, unknown>();
  // Miniflare 5 (what wrangler 4 runs) still takes the familiar v4 option shape through its converter.
  const miniflare = new Miniflare(convertV4MiniflareOptions({
    host: '127.0.0.1',
    port: workerPort,
    name: 'mcpbox-front',
      modules: true,
      scriptPath,
      modulesRoot: dirname(scriptPath),
      compatibilityDate: config.compatibility_date,
      compatibilityFlags: config.compatibility_flags,
      kvNamespaces: ['OAUTH_KV'],
      bindings: {
        PUBLIC_URL: origin,
        GATEWAY_URL: `http://127.0.0.1:${gatewayPort}`,
        GATEWAY_SERVICE_TOKEN: options.workerServiceToken ?? serviceToken,
        UPSTREAM_OIDC_ISSUER: idp.issuer,
        UPSTREAM_OIDC_CLIENT_ID: idp.clientId,
        UPSTREAM_OIDC_CLIENT_SECRET: idp.clientSecret,
        ALLOWED_USERS: allowedUsers,
        ALLOWED_GROUPS: options.allowedGroups ?? 'mcp-users',
        ...(options.redirectUris === undefined ? {} : { REDIRECT_URIS: options.redirectUris }),
        ACCESS_TOKEN_TTL_SECONDS: '600',
      },
      serviceBindings: { GATEWAY: { external: { address: `127.0.0.1:${gatewayPort}`, http: {} } } },
      outboundService: async (request) => {
        const url = new URL(request.url);
        if (url.origin === CLIENTS_ORIGIN) {
          const doc = metadataDocuments.get(url.pathname);
          if (doc === undefined) return new WorkerdResponse('not found', { status: 404 });
          return new WorkerdResponse(JSON.stringify(doc), { headers: { 'content-type': 'application/json' } });
        }
        if (url.origin === idp.issuer) return forwardToLoopback(request as unknown as Request) as unknown as WorkerdResponse;
        return new WorkerdResponse(`the test network has no route to ${url.origin}`, { status: 502 });
      },
  }));
  try {
    await miniflare.ready;
  } catch (err) {
    await stopGateway();
    await idp.close();
    throw err;
  }

  return {
    origin,
    mcpUrl: `${origin}/mcp`,
    gatewayMcpUrl: `http://127.0.0.1:${gatewayPort}/mcp`,
    directToken,
    serviceToken,
    dataDir,
    idp,
    metadataDocuments,
    miniflare,
    gatewayLog: () => gateway.stdout() + gateway.stderr(),
    async close() {
      await miniflare.dispose();
      await stopGateway();
      await idp.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
