// `mcpbox reconcile`: ask the running gateway to reconcile main now. The request is a token in
// the data dir's state store; the gateway picks it up, handles it and records the outcome, which
// this command waits for (Flux's requestedAt / lastHandledReconcileAt).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import { openStateStore, ReconcileRequestRepository, STATE_DB_FILE } from '@mcpbox/core';
import { resolveDataDir } from '../../config/index.ts';
import { CliError } from '../cli-error.ts';
import { createTerminal } from '../terminal.ts';

const FAILED_RESULTS = new Set(['invalid', 'refused', 'failed']);

export function register(program: Command): void {
  program
    .command('reconcile')
    .description('ask the running gateway to reconcile main now and wait for the outcome')
    .option('--timeout <seconds>', 'how long to wait for the gateway to handle the request', '30')
    .option('--json', 'print the outcome as JSON')
    .action(async (options: { timeout: string; json?: boolean }) => {
      const timeoutS = Number(options.timeout);
      if (!Number.isFinite(timeoutS) || timeoutS <= 0) throw new CliError(`--timeout expects a positive number of seconds, got "${options.timeout}"`, 'usage');
      const dataDir = resolveDataDir();
      if (!existsSync(join(dataDir, STATE_DB_FILE))) {
        throw new CliError(`no mcpbox data in ${dataDir}; start the gateway there (mcpbox up) or set MCPBOX_DATA_DIR`);
      }
      const store = openStateStore(dataDir);
      try {
        const requests = new ReconcileRequestRepository(store);
        const { token } = requests.create();
        const deadline = Date.now() + timeoutS * 1000;
        while (Date.now() < deadline) {
          const request = requests.get(token);
          if (request?.handledAt) {
            const outcome = request.outcome as { result?: string; revision?: string | null; message?: string } | null;
            if (options.json) process.stdout.write(JSON.stringify({ token, handledAt: request.handledAt, outcome }, null, 2) + '\n');
            else createTerminal().out(`${outcome?.result ?? 'handled'}: ${outcome?.message ?? ''} (token ${token})`);
            if (FAILED_RESULTS.has(outcome?.result ?? '')) throw new CliError('the reconcile did not apply main; see `mcpbox status` for the errors');
            return;
          }
          await sleep(200);
        }
        throw new CliError(`no running gateway handled the request within ${timeoutS} s; is \`mcpbox up\` running with MCPBOX_DATA_DIR=${dataDir}?`);
      } finally {
        store.close();
      }
    });
}
