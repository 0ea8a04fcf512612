// `mcpbox logs [--tool <id>] [--limit n] [--follow] [--json]`: recorded tool calls from the data
// dir's state store, oldest of the selection first; --follow keeps printing new calls.
import type { Command } from 'commander';
import { displayJson, ExecutionLogRepository, openStateStore, visibleText, type ExecutionLogEntry } from '@mcpbox/core';
import { resolveDataDir } from '../../config/index.ts';
import { CliError } from '../cli-error.ts';
import { untilShutdown } from '../shutdown-signal.ts';
import { createTerminal, type Terminal } from '../terminal.ts';

const FOLLOW_POLL_MS = 500;

function printEntry(term: Terminal, e: ExecutionLogEntry, json: boolean): void {
  if (json) {
    term.out(displayJson({ ...e, args: safeParse(e.argsJson), result: safeParse(e.resultJson), argsJson: undefined, resultJson: undefined }));
    return;
  }
  const status = e.success ? term.color.green('ok ') : term.color.red('ERR');
  const test = e.isTest ? term.color.yellow(' [test]') : '';
  const detail = e.success ? (e.resultJson ?? '') : (e.error ?? '');
  term.out(`${e.at}  ${status} ${String(e.durationMs).padStart(6)} ms  ${e.tool}${test}  by ${visibleText(e.caller)}  args ${clip(e.argsJson, 120)}  → ${clip(detail, 160)}`);
}

/** One line of at most `n` characters, with what the caller or the tool wrote made harmless to a terminal. */
function clip(text: string, n: number): string {
  const one = visibleText(text.replace(/[ \t\n]+/g, ' '));
  return one.length > n ? `${one.slice(0, n)}…` : one;
}

function safeParse(json: string | null): unknown {
  if (json === null) return null;
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return json;
  }
}

export function register(program: Command): void {
  program
    .command('logs')
    .description('show recorded tool calls (arguments redacted, long values truncated)')
    .option('--tool <id>', 'only calls of this tool, e.g. examples__text_stats')
    .option('--limit <n>', 'how many of the newest calls to show', '50')
    .option('-f, --follow', 'keep printing new calls until Ctrl-C')
    .option('--json', 'one JSON object per line')
    .action(async (options: { tool?: string; limit: string; follow?: boolean; json?: boolean }) => {
      const limit = Number(options.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new CliError(`--limit expects a whole number 1–10000, got ${JSON.stringify(options.limit)}`, 'usage');
      const store = openStateStore(resolveDataDir());
      const logs = new ExecutionLogRepository(store);
      const term = createTerminal();
      const json = options.json === true;
      try {
        const newest = logs.query({ ...(options.tool === undefined ? {} : { tool: options.tool }), limit }).reverse();
        for (const e of newest) printEntry(term, e, json);
        if (!options.follow) return;
        let last = newest.at(-1)?.seq ?? logs.query({ limit: 1 })[0]?.seq ?? 0;
        const timer = setInterval(() => {
          for (const e of logs.query({ ...(options.tool === undefined ? {} : { tool: options.tool }), afterSeq: last, limit: 1000 })) {
            printEntry(term, e, json);
            last = e.seq;
          }
        }, FOLLOW_POLL_MS);
        await untilShutdown();
        clearInterval(timer);
      } finally {
        store.close();
      }
    });
}
