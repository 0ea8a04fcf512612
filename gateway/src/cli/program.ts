// The `mcpbox` program. Each verb lives in its own file under commands/ and exports
// `register(program)`; this file only wires them (the fixed list below, in help order; a missing
// verb file stops the program) and turns errors into one line and an exit code: 0 ok, 1 failed,
// 2 usage or configuration error.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/index.ts';
import { CliError, EXIT_FAILED, EXIT_OK, EXIT_USAGE } from './cli-error.ts';

const VERBS = ['up', 'stdio', 'init', 'validate', 'status', 'reconcile', 'pr', 'revert', 'secret', 'logs', 'remote'] as const;

interface VerbModule {
  register(program: Command): void;
}

/** The folder of the verb files; a parameter so a test can point the loader at another one. */
const COMMANDS_DIR = new URL('./commands/', import.meta.url);

/**
 * Every verb of the fixed list must have its file: a missing one (a bad checkout, a half-applied
 * upgrade) refuses to start with its path, rather than silently offering fewer verbs.
 */
export async function buildProgram(commandsDir: URL = COMMANDS_DIR): Promise<Command> {
  const program = new Command('mcpbox')
    .description('Self-hosted MCP platform where an LLM builds its own tools and git is the control plane.')
    .version('0.1.0')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(text.trim().replace(/\n+/g, ' ') + '\n') });
  const missing = VERBS.map((verb) => new URL(`${verb}.ts`, commandsDir)).filter((file) => !existsSync(file));
  if (missing.length > 0) {
    throw new CliError(`cannot start: the file of ${missing.length === 1 ? 'a verb is' : 'some verbs are'} missing: ${missing.map((f) => fileURLToPath(f)).join(', ')}; reinstall mcpbox or restore the file`);
  }
  for (const verb of VERBS) {
    const mod = (await import(new URL(`${verb}.ts`, commandsDir).href)) as VerbModule;
    mod.register(program);
  }
  // Sub-commands inherit the error handling of the root.
  for (const command of program.commands) command.exitOverride();
  return program;
}

export async function runCli(argv: string[], commandsDir: URL = COMMANDS_DIR): Promise<number> {
  try {
    const program = await buildProgram(commandsDir);
    await program.parseAsync(argv, { from: 'user' });
    return EXIT_OK;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT_OK;
      return EXIT_USAGE; // commander already printed the one-line reason
    }
    if (err instanceof ConfigError) {
      process.stderr.write(`mcpbox: ${err.message}\n`);
      return EXIT_USAGE;
    }
    if (err instanceof CliError) {
      process.stderr.write(`mcpbox: ${err.message}\n`);
      return err.exitCode;
    }
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`mcpbox: unexpected failure: ${message}\n`);
    if (process.env.MCPBOX_DEBUG) process.stderr.write(`${err instanceof Error ? err.stack : ''}\n`);
    return EXIT_FAILED;
  }
}
