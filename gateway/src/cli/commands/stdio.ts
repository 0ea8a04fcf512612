// `mcpbox stdio`: the same MCP server over stdin/stdout, for clients that launch their servers as
// processes. stdout carries only the protocol; logs go to stderr.
import type { Command } from 'commander';
import { initRepo } from '@mcpbox/core';
import { createLogger } from '../../app/logger.ts';
import { createRuntime } from '../../app/runtime.ts';
import { GATEWAY_IDENTITY, TEMPLATE_DIR } from '../../app/template-dir.ts';
import { loadConfig } from '../../config/index.ts';
import { serveOverStdio } from '../../stdio/serve-over-stdio.ts';
import { CliError } from '../cli-error.ts';
import { untilShutdown } from '../shutdown-signal.ts';

export function register(program: Command): void {
  program
    .command('stdio')
    .description('Serve MCP over stdin/stdout (both protocol eras), for clients that start their servers as processes. Logs go to stderr.')
    .action(async () => {
      const config = loadConfig(process.env, process.cwd(), 'stdio');
      const logger = createLogger(config.logLevel, 'stderr');
      await initRepo(config.repo, TEMPLATE_DIR, GATEWAY_IDENTITY).catch((err: unknown) => {
        throw new CliError(err instanceof Error ? err.message : String(err));
      });
      const runtime = createRuntime(config, logger);
      const handle = serveOverStdio({
        repo: config.repo,
        registry: runtime.registry,
        sandbox: runtime.sandbox,
        logger,
        executionLogs: runtime.executionLogs,
        secrets: runtime.secrets,
        serverSwitches: runtime.serverSwitches,
        reconcilerStatus: () => runtime.reconciler.status(),
      });
      await runtime.start();
      // The client closing our stdin ends the connection, as the stdio binding asks.
      const reason = await untilShutdown([(stop) => process.stdin.once('end', stop).once('close', stop)]);
      logger.info({ reason }, 'stdio connection ended');
      await handle.close();
      await runtime.close();
    });
}
