// `mcpbox remote setup`: the local half of reaching this gateway from claude.ai, ChatGPT and phones
// through the Cloudflare Worker front (worker/). It generates the service token the Worker and the
// gateway share, writes the Worker's wrangler.toml (no secret in it) and the gateway's environment
// file (mode 0600), and prints the exact remaining steps. Nothing is deployed from here.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import * as z from 'zod';
import { CliError } from '../cli-error.ts';
import { createTerminal } from '../terminal.ts';

const WORKER_DIR = new URL('../../../../worker/', import.meta.url).pathname;

const httpsUrl = (what: string) => z.url({ protocol: /^https$/, error: `expected the https URL of ${what}` });
const Options = z.object({
  publicUrl: httpsUrl('the Worker (e.g. https://mcp.example.com)'),
  gatewayUrl: httpsUrl('the gateway as the Worker reaches it (the tunnel hostname)'),
  issuer: httpsUrl('your OIDC issuer'),
  clientId: z.string().trim().min(1, 'needs the client id of the OIDC application'),
  allowedUsers: z.string().trim().regex(/^((@|[^\s@,]+@)[^\s@,]+\.[^\s@,]+)(,\s*(@|[^\s@,]+@)[^\s@,]+\.[^\s@,]+)*$/, 'expected e-mails or @domains separated by commas'),
  allowedGroups: z.string().trim().default(''),
  out: z.string().min(1),
  force: z.boolean().default(false),
});

const OPTION_NAMES: Record<string, string> = { publicUrl: '--public-url', gatewayUrl: '--gateway-url', issuer: '--issuer', clientId: '--client-id', allowedUsers: '--allowed-users', allowedGroups: '--allowed-groups' };

function setVar(toml: string, name: string, value: string): string {
  const line = new RegExp(`^${name} = ".*"$`, 'm');
  if (!line.test(toml)) throw new CliError(`the Worker's wrangler.toml template has no ${name} line; reinstall mcpbox`);
  return toml.replace(line, `${name} = ${JSON.stringify(value)}`);
}

export function register(program: Command): void {
  const remote = program.command('remote').description('Reach this gateway from claude.ai, ChatGPT and phones through the Cloudflare Worker front.');
  remote
    .command('setup')
    .description('Generate the service token, write the Worker\'s wrangler.toml and the gateway\'s env file, and print the remaining steps.')
    .requiredOption('--public-url <url>', 'https origin of the Worker, e.g. https://mcp.example.com (clients connect to <url>/mcp)')
    .requiredOption('--gateway-url <url>', 'https origin of this gateway as the Worker reaches it (your Cloudflare Tunnel hostname)')
    .requiredOption('--issuer <url>', 'your OIDC issuer (Cloudflare Access for SaaS, Authelia, Authentik, Keycloak, Pocket ID …)')
    .requiredOption('--client-id <id>', 'client id of the OIDC application you created for the Worker')
    .requiredOption('--allowed-users <list>', 'who may sign in: e-mails or @domains, comma-separated')
    .option('--allowed-groups <list>', 'groups (from the provider\'s groups claim) that may sign in', '')
    .option('--out <dir>', 'where to write the files (default: <MCPBOX_DATA_DIR>/remote)')
    .option('--force', 'overwrite an earlier setup (its service token stops working)', false)
    .action((raw: Record<string, unknown>) => {
      const out = resolve(typeof raw.out === 'string' ? raw.out : join(process.env.MCPBOX_DATA_DIR ?? './.mcpbox', 'remote'));
      const parsed = Options.safeParse({ ...raw, out });
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw new CliError(`${OPTION_NAMES[String(issue.path[0])] ?? String(issue.path[0])}: ${issue.message}`, 'usage');
      }
      const o = parsed.data;
      const publicOrigin = new URL(o.publicUrl).origin;
      const gatewayUrl = new URL(o.gatewayUrl);
      const wranglerPath = join(out, 'wrangler.toml');
      const envPath = join(out, 'gateway.env');
      if (!o.force && (existsSync(wranglerPath) || existsSync(envPath))) {
        throw new CliError(`${out} already holds a remote setup; pass --force to write a new one (the Worker then needs the new GATEWAY_SERVICE_TOKEN), or see the README on rotating the service token without downtime`);
      }
      const token = randomBytes(32).toString('hex');
      let toml = readFileSync(join(WORKER_DIR, 'wrangler.toml'), 'utf8');
      toml = toml.replace(/^main = ".*"$/m, `main = ${JSON.stringify(relative(out, join(WORKER_DIR, 'src/index.ts')))}`);
      toml = setVar(toml, 'PUBLIC_URL', publicOrigin);
      toml = setVar(toml, 'GATEWAY_URL', gatewayUrl.origin);
      toml = setVar(toml, 'UPSTREAM_OIDC_ISSUER', o.issuer.replace(/\/+$/, ''));
      toml = setVar(toml, 'UPSTREAM_OIDC_CLIENT_ID', o.clientId);
      toml = setVar(toml, 'ALLOWED_USERS', o.allowedUsers);
      toml = setVar(toml, 'ALLOWED_GROUPS', o.allowedGroups);
      mkdirSync(dirname(wranglerPath), { recursive: true });
      writeFileSync(wranglerPath, toml);
      writeFileSync(
        envPath,
        [
          '# Environment for `mcpbox up` behind the Cloudflare Worker front (written by mcpbox remote setup).',
          `MCPBOX_FRONT_TOKEN=${token}`,
          `MCPBOX_FRONT_ALLOWED_USERS=${o.allowedUsers.replace(/\s+/g, '')}`,
          `MCPBOX_ALLOWED_HOSTS=${gatewayUrl.hostname}`,
          '',
        ].join('\n'),
        { mode: 0o600 },
      );
      const term = createTerminal();
      const config = `--config ${wranglerPath}`;
      term.out(`wrote ${wranglerPath} (no secrets) and ${envPath} (mode 0600: it holds the service token)`);
      term.out('');
      term.out('Remaining steps:');
      term.out(`  1. KV for OAuth state:   npx wrangler kv namespace create OAUTH_KV ${config}`);
      term.out(`     and put the printed id into ${wranglerPath} ([[kv_namespaces]] id).`);
      term.out(`  2. The service token:    grep MCPBOX_FRONT_TOKEN ${envPath} | cut -d= -f2 | npx wrangler secret put GATEWAY_SERVICE_TOKEN ${config}`);
      term.out(`  3. If your OIDC application is confidential: npx wrangler secret put UPSTREAM_OIDC_CLIENT_SECRET ${config}`);
      term.out(`  4. In your identity provider, set the application's redirect URI to ${publicOrigin}/callback`);
      term.out(`  5. Start the gateway with ${envPath} (e.g. \`set -a; . ${envPath}; set +a; npm start\`, or env_file in docker-compose.yml)`);
      term.out(`     and the tunnel to it: TUNNEL_TOKEN=<from the Cloudflare dashboard> docker compose --profile tunnel up -d`);
      term.out(`     (the tunnel's public hostname ${gatewayUrl.hostname} points at the gateway's port).`);
      term.out(`  6. Deploy the Worker:     npx wrangler deploy ${config}`);
      term.out(`  7. Check each hop:        curl ${publicOrigin}/.well-known/oauth-authorization-server   (the Worker)`);
      term.out(`                            curl -i ${publicOrigin}/mcp   (401 with a resource_metadata challenge)`);
      term.out(`     then add ${publicOrigin}/mcp as a custom connector in claude.ai or ChatGPT.`);
    });
}
