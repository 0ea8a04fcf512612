// `mcpbox stdio`: MCP over stdin/stdout, for clients that launch their servers as processes. When
// `mcpbox up` already serves the data dir (its gateway.json names a live process), the connection is
// bridged to that gateway as the local operator: one reconciler, one sandbox, one set of logs.
// Otherwise the gateway runs embedded, composed exactly as `up` composes it. stdout carries only
// the protocol; logs go to stderr.
import type { Command } from 'commander';
import { composeGateway } from '../../app/compose-gateway.ts';
import { createGatewayCore } from '../../app/gateway-core.ts';
import { createLogger } from '../../app/logger.ts';
import { findRunningGateway } from '../../app/running-gateway.ts';
import { loadConfig } from '../../config/index.ts';
import { bridgeToGateway } from '../../stdio/bridge-to-gateway.ts';
import { serveOverStdio } from '../../stdio/serve-over-stdio.ts';
import { CliError } from '../cli-error.ts';
import { untilShutdown } from '../shutdown-signal.ts';

export function register(program: Command): void {
  program
    .command('stdio')
    .description('Serve MCP over stdin/stdout (both protocol eras), for clients that start their servers as processes; bridges to `mcpbox up` when it runs on the same data dir. Logs go to stderr.')
    .action(async () => {
      const config = loadConfig(process.env, process.cwd(), 'stdio');
      const logger = createLogger(config.logLevel, 'stderr');
      const running = findRunningGateway(config.dataDir);
      if (running.state === 'live') {
        const bridge = await bridgeToGateway({ gateway: running.gateway, logger });
        const reason = await Promise.race([bridge.ended, untilShutdown()]);
        await bridge.close();
        logger.info({ reason }, 'stdio connection ended');
        return;
      }
      if (running.state === 'stale') logger.info({ reason: running.reason }, 'no gateway serves this data dir; serving embedded');
      const composed = await composeGateway(config, logger).catch((err: unknown) => {
        throw new CliError(err instanceof Error ? err.message : String(err));
      });
      const { runtime, options } = composed;
      const core = createGatewayCore({ ...options, repo: config.repo, remoteToolEditing: config.authSettings.remoteToolEditing });
      const handle = serveOverStdio({ core, registry: runtime.registry, logger });
      await runtime.start();
      // The client closing our stdin ends the connection, as the stdio binding asks.
      const reason = await untilShutdown([(stop) => process.stdin.once('end', stop).once('close', stop)]);
      logger.info({ reason }, 'stdio connection ended');
      await handle.close();
      await runtime.close();
    });
}
