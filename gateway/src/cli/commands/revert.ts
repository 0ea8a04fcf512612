// `mcpbox revert <commit|pr-number>`: undo a change on main at once, as the admin — a
// `git revert -m 1` commit (for a merged pull request, what it brought in). The gateway applies the
// older state like any other revision.
import type { Command } from 'commander';
import { loadConfig } from '../../config/index.ts';
import { adminFailureMessage, openAdminForge } from '../../services/changes/admin-forge.ts';
import { CliError } from '../cli-error.ts';
import { createTerminal } from '../terminal.ts';

export function register(program: Command): void {
  program
    .command('revert')
    .description('revert a commit or a merged pull request directly on main (a revert commit by you)')
    .argument('<commit|pr-number>', 'a commit id (7–40 hex characters) or a pull request number such as 12 or #12')
    .option('-m, --message <text>', 'the revert commit message (default: Revert "<subject>")')
    .action(async (target: string, options: { message?: string }) => {
      const commitOrPr = revertTarget(target);
      const config = loadConfig();
      try {
        const forge = openAdminForge(config);
        const result = await forge.revert({ commitOrPr, ...(options.message === undefined ? {} : { message: options.message }) });
        const t = createTerminal();
        t.out(`${t.color.green('reverted')} ${result.reverted.slice(0, 12)} on main: ${result.commit}`);
      } catch (err) {
        const message = adminFailureMessage(err);
        if (message !== undefined) throw new CliError(message);
        throw err;
      }
    });
}

/** A short all-digit value (or "#12") is a pull request number; anything hex of 7+ characters is a commit. */
export function revertTarget(text: string): string | number {
  const value = text.trim();
  const pr = /^#?([1-9][0-9]{0,5})$/.exec(value);
  if (pr !== null) return Number(pr[1]);
  if (/^[0-9a-f]{7,40}$/.test(value)) return value;
  throw new CliError(`expected a commit id (7–40 lower-case hex characters) or a pull request number such as 12, got "${text}"`, 'usage');
}
