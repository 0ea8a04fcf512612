// `mcpbox up` (what `npm start` runs): create the embedded tools repo from the template on first
// start, start the reconciler and sandbox, bind the HTTP gateway, and print how to connect.
import type { Command } from 'commander';
import { initRepo } from '@mcpbox/core';
import { createGateway } from '../../app/create-gateway.ts';
import { createLogger } from '../../app/logger.ts';
import { createRuntime } from '../../app/runtime.ts';
import { GATEWAY_IDENTITY, TEMPLATE_DIR } from '../../app/template-dir.ts';
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
        '  LOG_LEVEL             fatal|error|warn|info|debug|trace|silent (default info; JSON lines on stdout)',
      ].join('\n'),
    )
    .action(async () => {
      const config = loadConfig();
      const term = createTerminal();
      const logger = createLogger(config.logLevel);
      // A remote forge's repo already exists on the forge; the runtime fetches it into the mirror.
      if (config.remote === null) {
        const repo = await initRepo(config.repo, TEMPLATE_DIR, GATEWAY_IDENTITY).catch((err: unknown) => {
          throw new CliError(err instanceof Error ? err.message : String(err));
        });
        if (repo.created) logger.info({ repo: repo.gitDir, main: repo.main }, 'created the tools repo from the template');
      }
      const runtime = createRuntime(config, logger);
      const gateway = await createGateway({
        config,
        registry: runtime.registry,
        sandbox: runtime.sandbox,
        serverSwitches: runtime.serverSwitches,
        logger,
        auth: config.authSettings,
        limits: config.limits,
        metrics: runtime.metrics,
        executionLogs: runtime.executionLogs,
        reconcilerStatus: () => runtime.reconciler.status(),
        secrets: runtime.secrets,
        forge: runtime.forge,
        webhooks: config.webhookSecret === null ? null : { secret: config.webhookSecret, pokes: runtime.pokes },
      });
      let url: string;
      try {
        url = await gateway.listen();
      } catch (err) {
        await gateway.close();
        await runtime.close();
        const code = (err as { code?: string }).code;
        if (code === 'EADDRINUSE') throw new CliError(`port ${config.port} on ${config.host} is already in use; stop the other process or set MCPBOX_PORT`);
        if (code === 'EACCES') throw new CliError(`not allowed to bind ${config.host}:${config.port}; use a port above 1023 or another MCPBOX_HOST`);
        throw new CliError(`could not bind ${config.host}:${config.port}: ${err instanceof Error ? err.message : String(err)}`);
      }
      // Reconcile only once bound: a second `up` on a taken port fails at once, and /healthz answers
      // while the first revision is being applied.
      await runtime.start();
      const { color } = term;
      // The banner goes to stderr: stdout carries the JSON log lines.
      term.err(`${color.bold('mcpbox')} is serving MCP at ${color.cyan(url)}`);
      term.err(`tools repo: ${config.remote === null ? config.repo : `${config.remote.repoUrl} (${config.remote.kind}; mirror ${config.repo})`}`);
      term.err('connect a client, e.g. in its MCP config:');
      term.err(JSON.stringify({ mcpServers: { mcpbox: { type: 'http', url } } }, null, 2));
      term.err(`or: claude mcp add --transport http mcpbox ${url}`);
      term.err(`status site: ${url.replace(/\/mcp$/, '/status/')}`);
      // Clients must be told how to authenticate; the token itself is never printed.
      if (config.auth === 'bearer') term.err(`auth: bearer; clients send "Authorization: Bearer <token>" (${config.authSettings.bearerTokens.length} named token(s) configured)`);
      if (config.auth === 'oidc') term.err(`auth: oidc; clients discover ${config.authSettings.oidc?.issuer} from /.well-known/oauth-protected-resource/mcp`);
      const reason = await untilShutdown();
      // Graceful: refuse new work, let in-flight calls finish (their log entries are committed before
      // their responses), then stop the reconciler and every sandbox child.
      logger.info({ reason, inFlight: gateway.pipeline.inFlight, graceMs: config.limits.shutdownGraceMs }, 'shutting down');
      await gateway.shutdown(config.limits.shutdownGraceMs);
      await runtime.close();
      logger.info({}, 'stopped');
    });
}
