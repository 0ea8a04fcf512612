// `mcpbox up` (what `npm start` runs): take the data dir (one gateway per data dir), compose the
// gateway (app/compose-gateway.ts: the embedded tools repo from the template on first start, the
// store, forge, sandbox and reconciler), bind HTTP, record itself in gateway.json for `mcpbox
// stdio`, and print how to connect.
import type { Command } from 'commander';
import { composeGateway } from '../../app/compose-gateway.ts';
import { createGateway, type Gateway } from '../../app/create-gateway.ts';
import { DataDirInUse, lockDataDir, type DataDirLock } from '../../app/data-dir-lock.ts';
import { createLogger } from '../../app/logger.ts';
import { newLocalOperatorToken, removeRunningGateway, writeRunningGateway } from '../../app/running-gateway.ts';
import type { Runtime } from '../../app/runtime.ts';
import { loadConfig } from '../../config/index.ts';
import { CliError } from '../cli-error.ts';
import { untilShutdown } from '../shutdown-signal.ts';
import { createTerminal } from '../terminal.ts';

export function register(program: Command): void {
  program
    .command('up')
    .description('Start the gateway: MCP over HTTP at http://$MCPBOX_HOST:$MCPBOX_PORT/mcp, serving the tools on main of the tools repo.')
    .addHelpText(
      'after',
      [
        '',
        'Environment (see .env.example):',
        '  MCPBOX_HOST           address to bind (default 127.0.0.1)',
        '  MCPBOX_PORT           port (default 8000)',
        '  MCPBOX_DATA_DIR       runtime data, incl. the embedded tools repo (default ./.mcpbox)',
        '  MCPBOX_REPO           the bare tools repo (default <data dir>/repo.git, created on first start), or its URL on a forge',
        '  MCPBOX_FORGE          local | github | gitea (Gitea and Forgejo); see README "GitHub and Gitea"',
        '  MCPBOX_FORGE_TOKEN    the gateway\'s forge token (or MCPBOX_FORGE_TOKEN_FILE); MCPBOX_FORGE_API_URL if not derivable',
        '  MCPBOX_WEBHOOK_SECRET turns on /webhooks/github and /webhooks/gitea (or MCPBOX_WEBHOOK_SECRET_FILE)',
        '  MCPBOX_ALLOWED_HOSTS  Host names clients use, required for a non-loopback bind',
        '  MCPBOX_AUTH           none (loopback only) | bearer | oidc; see README "Running it for real"',
        '  MCPBOX_BEARER_TOKENS  name:token[,name2:token2] (or MCPBOX_BEARER_TOKENS_FILE)',
        '  MCPBOX_OIDC_ISSUER, MCPBOX_OIDC_AUDIENCE, MCPBOX_OIDC_JWKS_URL, MCPBOX_PUBLIC_URL   for oidc',
        '  MCPBOX_FRONT_TOKEN    service token of a trusted front allowed to pass X-MCPbox-User',
        '  MCPBOX_REMOTE_TOOL_EDITING  let remote callers propose/test changes (default false)',
        '  MCPBOX_ENCRYPTION_KEY 64 hex chars for secrets at rest (default: generated <data dir>/secret.key)',
        '  MCPBOX_RATE_LIMIT_PER_MINUTE, MCPBOX_MAX_ARGUMENT_BYTES, MCPBOX_MAX_CONCURRENT_PER_SERVER,',
        '  MCPBOX_MAX_QUEUED_PER_SERVER, MCPBOX_LOG_RETENTION_DAYS, MCPBOX_LOG_MAX_ENTRIES, MCPBOX_SHUTDOWN_GRACE_MS',
        '  MCPBOX_SITE_DIR       the built status site (default site/dist; built there on start when missing or stale)',
        '  LOG_LEVEL             fatal|error|warn|info|debug|trace|silent (default info; on stdout)',
        '  LOG_FORMAT            json | pretty (default: readable lines on a terminal, JSON lines otherwise)',
      ].join('\n'),
    )
    .action(async () => {
      const config = loadConfig();
      const term = createTerminal();
      const logger = createLogger(config.logLevel, 'stdout', config.logFormat);
      // One gateway per data dir: a second `up` refuses before touching the store or the repo.
      let lock: DataDirLock;
      try {
        lock = lockDataDir(config.dataDir);
      } catch (err) {
        if (err instanceof DataDirInUse) throw new CliError(err.message);
        throw err;
      }
      const localOperatorToken = newLocalOperatorToken();
      let runtime: Runtime | undefined;
      let gateway: Gateway | undefined;
      let url: string;
      try {
        const composed = await composeGateway(config, logger).catch((err: unknown) => {
          throw new CliError(err instanceof Error ? err.message : String(err));
        });
        runtime = composed.runtime;
        // A fresh checkout has no built status site yet: it is built in the background on first start.
        gateway = await createGateway({ ...composed.options, localOperatorToken, statusSite: { siteDir: config.siteDir, buildWhenStale: true } });
        url = await gateway.listen().catch((err: unknown) => {
          const code = (err as { code?: string }).code;
          if (code === 'EADDRINUSE') throw new CliError(`port ${config.port} on ${config.host} is already in use; stop the other process or set MCPBOX_PORT`);
          if (code === 'EACCES') throw new CliError(`not allowed to bind ${config.host}:${config.port}; use a port above 1023 or another MCPBOX_HOST`);
          throw new CliError(`could not bind ${config.host}:${config.port}: ${err instanceof Error ? err.message : String(err)}`);
        });
      } catch (err) {
        await gateway?.close();
        await runtime?.close();
        lock.release();
        throw err;
      }
      // `mcpbox stdio` on this data dir now bridges here instead of starting a second runtime.
      writeRunningGateway(config.dataDir, { pid: process.pid, url: loopbackUrl(url), startedAt: new Date().toISOString(), localOperatorToken });
      // Reconcile only once bound: a second `up` on a taken port fails at once, and /healthz answers
      // while the first revision is being applied.
      await runtime.start();
      const { color } = term;
      // The banner goes to stderr: stdout carries the log lines.
      term.err(`${color.bold('mcpbox')} is serving MCP at ${color.cyan(url)}`);
      term.err(`tools repo: ${config.remote === null ? config.repo : `${config.remote.repoUrl} (${config.remote.kind}; mirror ${config.repo})`}`);
      term.err('connect a client, e.g. in its MCP config:');
      term.err(JSON.stringify({ mcpServers: { mcpbox: { type: 'http', url } } }, null, 2));
      term.err(`or: claude mcp add --transport http mcpbox ${url}`);
      // A browser cannot send the token a client does: it signs in once at /status/login.
      term.err(`status site: ${url.replace(/\/mcp$/, '/status/')}${config.auth === 'none' ? '' : ` (in a browser, sign in with a token at ${url.replace(/\/mcp$/, '/status/login')})`}`);
      // Clients must be told how to authenticate; the token itself is never printed.
      if (config.auth === 'bearer') term.err(`auth: bearer; clients send "Authorization: Bearer <token>" (${config.authSettings.bearerTokens.length} named token(s) configured)`);
      if (config.auth === 'oidc') term.err(`auth: oidc; clients discover ${config.authSettings.oidc?.issuer} from /.well-known/oauth-protected-resource/mcp`);
      const reason = await untilShutdown();
      // Graceful: refuse new work, let in-flight calls finish (their log entries are committed before
      // their responses), then stop the reconciler and every sandbox child.
      logger.info({ reason, inFlight: gateway.pipeline.inFlight, graceMs: config.limits.shutdownGraceMs }, 'shutting down');
      removeRunningGateway(config.dataDir);
      await gateway.shutdown(config.limits.shutdownGraceMs);
      await runtime.close();
      lock.release();
      logger.info({}, 'stopped');
    });
}

/** The URL a local bridge dials: a wildcard bind is reached on loopback. */
function loopbackUrl(url: string): string {
  const u = new URL(url);
  if (u.hostname === '0.0.0.0') u.hostname = '127.0.0.1';
  if (u.hostname === '[::]') u.hostname = '[::1]';
  return u.toString();
}
