// `mcpbox secret set|list|rm`: server secret values, encrypted at rest in the data dir's state store.
// A value is read from stdin only (never argv, which other users can see in the process list) and
// is never printed back.
import type { Command } from 'commander';
import { loadSecretCipher, openStateStore, SecretKeyError, SecretNameError, SecretStore } from '@mcpbox/core';
import { resolveDataDir } from '../../config/index.ts';
import { CliError } from '../cli-error.ts';
import { createTerminal } from '../terminal.ts';

const MAX_VALUE_BYTES = 64 * 1024;

function withStore<T>(work: (secrets: SecretStore) => T): T {
  const dataDir = resolveDataDir();
  const store = openStateStore(dataDir);
  try {
    return work(new SecretStore(store, loadSecretCipher(dataDir)));
  } catch (err) {
    if (err instanceof SecretNameError) throw new CliError(err.message, 'usage');
    if (err instanceof SecretKeyError) throw new CliError(err.message);
    throw err;
  } finally {
    store.close();
  }
}

async function readValue(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('Type the value, then press Enter and Ctrl-D (it is not echoed back later):\n');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buf.length;
    if (size > MAX_VALUE_BYTES) throw new CliError(`the value is longer than ${MAX_VALUE_BYTES} bytes; secrets are meant for tokens and passwords`, 'usage');
    chunks.push(buf);
  }
  // One trailing newline is what `echo` and a terminal add; it is not part of the value.
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

export function register(program: Command): void {
  const secret = program.command('secret').description("manage server secret values (encrypted at rest; tools read them as secrets['NAME'])");

  secret
    .command('set <server> <NAME>')
    .description('set a secret value, read from stdin (e.g. `printf %s "$TOKEN" | mcpbox secret set weather API_KEY`)')
    .action(async (server: string, name: string) => {
      const value = await readValue();
      if (value === '') throw new CliError('no value on stdin; pipe the value in, e.g. `printf %s "$TOKEN" | mcpbox secret set <server> <NAME>`', 'usage');
      const entry = withStore((secrets) => secrets.set(server, name, value));
      createTerminal().err(`set ${entry.server}/${entry.name} (${value.length} characters, encrypted); a running gateway uses it from the next call`);
    });

  secret
    .command('list [server]')
    .description('list secret names and when they were set (never values)')
    .option('--json', 'print JSON')
    .action((server: string | undefined, options: { json?: boolean }) => {
      const entries = withStore((secrets) => secrets.list(server));
      const term = createTerminal();
      if (options.json) return term.out(JSON.stringify(entries, null, 2));
      if (entries.length === 0) return term.err(server === undefined ? 'no secrets are set' : `no secrets are set for ${server}`);
      for (const e of entries) term.out(`${e.server}/${e.name}  set ${e.updatedAt}`);
    });

  secret
    .command('rm <server> <NAME>')
    .description('remove a secret value')
    .action((server: string, name: string) => {
      const removed = withStore((secrets) => secrets.remove(server, name));
      if (!removed) throw new CliError(`${server}/${name} has no value; \`mcpbox secret list ${server}\` shows what is set`);
      createTerminal().err(`removed ${server}/${name}`);
    });
}
