// `mcpbox status [--json]`: what the reconciler last did, read from the data dir's state store
// (or status.json), so it works whether or not the gateway is running.
import type { Command } from 'commander';
import { displayJson, visibleText } from '@mcpbox/core';
import { readStatus } from '@mcpbox/reconciler';
import type { ReconcilerStatus } from '@mcpbox/reconciler';
import { resolveDataDir } from '../../config/index.ts';
import { CliError } from '../cli-error.ts';
import { createTerminal } from '../terminal.ts';

export function register(program: Command): void {
  program
    .command('status')
    .description("show the reconciler's status: revisions seen, attempted and applied, conditions, errors, history")
    .option('--json', 'print the status as JSON')
    .action((options: { json?: boolean }) => {
      const dataDir = resolveDataDir();
      const status = readStatus(dataDir);
      if (!status) {
        throw new CliError(`no reconciler status in ${dataDir}; start the gateway there (mcpbox up) or set MCPBOX_DATA_DIR`);
      }
      if (options.json) {
        process.stdout.write(displayJson(publicStatus(status), 2) + '\n');
        return;
      }
      printStatus(status);
    });
}

/** The status object's public names, for scripts. */
function publicStatus(s: ReconcilerStatus) {
  return {
    observedRevision: s.observedRevision,
    lastAttemptedRevision: s.lastAttemptedRevision,
    lastAppliedRevision: s.lastAppliedRevision,
    conditions: s.conditions,
    errors: s.errors,
    history: s.history,
  };
}

function printStatus(s: ReconcilerStatus): void {
  const t = createTerminal();
  const sha = (v: string | null) => (v ? v.slice(0, 12) : '—');
  t.out(`applied   ${sha(s.lastAppliedRevision)}  ${s.tools} tool(s)${s.lastAppliedDigest ? `  ${s.lastAppliedDigest.slice(0, 19)}` : ''}`);
  t.out(`attempted ${sha(s.lastAttemptedRevision)}`);
  t.out(`observed  ${sha(s.observedRevision)}${s.suspended ? '  (suspended)' : ''}`);
  for (const c of s.conditions) {
    const mark = c.status === 'True' ? (c.type === 'Ready' ? t.color.green('✓') : t.color.yellow('●')) : c.type === 'Ready' ? t.color.red('✗') : ' ';
    t.out(`${mark} ${c.type.padEnd(11)} ${c.status.padEnd(7)} ${visibleText(c.reason)}${c.message ? `: ${visibleText(c.message)}` : ''}`);
  }
  if (s.errors.length > 0) {
    t.out('errors:');
    for (const e of s.errors) t.out(`  ${visibleText(e.file)}${e.line ? `:${e.line}${e.col ? `:${e.col}` : ''}` : ''}: ${visibleText(e.message)}`);
  }
  if (s.history.length > 0) {
    t.out('history:');
    for (const h of s.history) t.out(`  ${h.at}  ${sha(h.revision)}  ${h.result.padEnd(9)} ${String(h.duration_ms).padStart(8)} ms${h.message ? `  ${visibleText(h.message)}` : ''}`);
  }
}
