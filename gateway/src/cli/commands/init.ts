// `mcpbox init [dir]`: create the bare tools repo with a first commit of the template. Running it
// again on an existing repo changes nothing and says so.
import type { Command } from 'commander';
import { initRepo } from '@mcpbox/core';
import { loadConfig } from '../../config/index.ts';
import { GATEWAY_IDENTITY, TEMPLATE_DIR } from '../../app/template-dir.ts';
import { CliError } from '../cli-error.ts';
import { createTerminal } from '../terminal.ts';
import { resolve } from 'node:path';

export function register(program: Command): void {
  program
    .command('init')
    .description('Create the tools repo (a bare git repo whose main starts with the template). Safe to run twice.')
    .argument('[dir]', 'where to create the bare repo (default: $MCPBOX_REPO or <MCPBOX_DATA_DIR>/repo.git)')
    .action(async (dir: string | undefined) => {
      const term = createTerminal();
      const gitDir = dir === undefined ? loadConfig(process.env, process.cwd(), 'stdio').repo : resolve(dir);
      let result;
      try {
        result = await initRepo(gitDir, TEMPLATE_DIR, GATEWAY_IDENTITY);
      } catch (err) {
        throw new CliError(err instanceof Error ? err.message : String(err));
      }
      const { color } = term;
      if (result.created) {
        term.out(`${color.green('created')} ${result.gitDir} (main ${result.main?.slice(0, 12) ?? '?'}, ${result.files} files from the template)`);
      } else {
        term.out(`${color.yellow('exists')}  ${result.gitDir} is already a repository; left as it is (main ${result.main?.slice(0, 12) ?? 'missing'})`);
      }
    });
}
