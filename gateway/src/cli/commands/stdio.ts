// `mcpbox stdio`: MCP over stdin/stdout, for clients that launch their servers as processes. When
// `mcpbox up` already serves the data dir (its gateway.json names a live process), the connection is
// bridged to that gateway as the local operator: one reconciler, one sandbox, one set of logs.
// Otherwise the gateway runs embedded, composed exactly as `up` composes it. stdout carries only
// the protocol; logs go to stderr.
import type { Command } from 'commander';
import type { Logger } from 'pino';
import { composeGateway } from '../../app/compose-gateway.ts';
import { createGatewayCore } from '../../app/gateway-core.ts';
import { createLogger } from '../../app/logger.ts';
import { isDataDirLocked } from '../../app/data-dir-lock.ts';
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
      const logger = createLogger(config.logLevel, 'stderr', config.logFormat);
      const running = await gatewayOfDataDir(config.dataDir, logger);
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
      // The client closing our stdin ends the connection, as the stdio binding asks. Listen before
      // starting: a short session can end while the runtime still starts (its sandbox child boots).
      const ended = untilShutdown([(stop) => process.stdin.once('end', stop).once('close', stop)]);
      await runtime.start();
      const reason = await ended;
      logger.info({ reason }, 'stdio connection ended');
      await handle.close();
      await runtime.close();
    });
}

/** How long a gateway that holds the data dir may take to bind and record itself. */
const GATEWAY_START_WAIT_MS = 60_000;
const GATEWAY_START_POLL_MS = 200;

/**
 * The gateway serving the data dir, if any. One that holds the lock but has no live record yet is
 * still starting (composing, binding): wait for its record instead of starting a second runtime.
 */
async function gatewayOfDataDir(dataDir: string, logger: Logger): Promise<ReturnType<typeof findRunningGateway>> {
  let found = findRunningGateway(dataDir);
  if (found.state === 'live' || !isDataDirLocked(dataDir)) return found;
  logger.info({ dataDir }, 'a gateway is starting on this data dir; waiting for it to bind');
  const deadline = Date.now() + GATEWAY_START_WAIT_MS;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, GATEWAY_START_POLL_MS));
    found = findRunningGateway(dataDir);
    // Bound and recorded: bridge to it. Gone without a record (its start failed): serve embedded.
    if (found.state === 'live' || !isDataDirLocked(dataDir)) return found;
  }
  throw new CliError(`a gateway holds the data dir ${dataDir} but has not recorded itself in ${dataDir}/gateway.json within ${GATEWAY_START_WAIT_MS / 1000} s; check its log, or stop it`);
}
