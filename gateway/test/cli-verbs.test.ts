// The verb loader: every verb of the fixed list needs its file. Stub verb files in a temporary
// folder stand in for commands/, so the test can remove one without touching the real tree.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { CliError } from '../src/cli/cli-error.ts';
import { buildProgram } from '../src/cli/program.ts';

const VERBS = ['up', 'stdio', 'init', 'validate', 'status', 'reconcile', 'pr', 'revert', 'secret', 'logs', 'remote'];
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function commandsDir(verbs: string[]): { dir: string; url: URL } {
  const dir = mkdtempSync(join(tmpdir(), 'mcpbox-verbs-'));
  dirs.push(dir);
  for (const verb of verbs) {
    writeFileSync(join(dir, `${verb}.ts`), `export function register(program: { command(name: string): unknown }): void {\n  program.command('${verb}');\n}\n`);
  }
  return { dir, url: pathToFileURL(`${dir}/`) };
}

describe('mcpbox verb loader', () => {
  it('registers every verb when all files are there', async () => {
    const program = await buildProgram(commandsDir(VERBS).url);
    expect(program.commands.map((c) => c.name())).toEqual(VERBS);
  });

  it('refuses to start when a verb file is missing, naming the file', async () => {
    const { dir, url } = commandsDir(VERBS.filter((v) => v !== 'logs'));
    const built = buildProgram(url);
    await expect(built).rejects.toThrow(CliError);
    await expect(built).rejects.toThrow(
      `cannot start: the file of a verb is missing: ${join(dir, 'logs.ts')}; reinstall mcpbox or restore the file`,
    );
  });
});
