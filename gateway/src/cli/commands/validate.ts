// `mcpbox validate [path] [--rev REV] [--json]`: is this tools repo revision valid, as the
// reconciler would judge it? `path` is a work tree (files read from disk, `.git/` skipped) or a
// bare repo (`--rev`, default main). Exit 0 valid, 1 invalid, 2 usage. One line per problem:
// `file:line:col: message`. This is what CI runs on every pull request.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import type { Command } from 'commander';
import { isGitError, parseRepoFiles, readTree } from '@mcpbox/core';
import type { Problem, RepoFile } from '@mcpbox/core';
import { validateRevision } from '@mcpbox/reconciler';
import { createSandbox } from '@mcpbox/sandbox';
import { CliError } from '../cli-error.ts';
import { createTerminal } from '../terminal.ts';

export function register(program: Command): void {
  program
    .command('validate')
    .description('validate a tools repo: file formats, tool code (syntax, async main) and the module allowlist')
    .argument('[path]', 'a work tree of a tools repo, or a bare repo', '.')
    .option('--rev <rev>', 'validate this revision of the repo instead of the files on disk (bare repos: default main)')
    .option('--json', 'print {valid, problems} as JSON')
    .action(async (path: string, options: { rev?: string; json?: boolean }) => {
      const root = resolve(path);
      const { revision, files } = await readRevision(root, options.rev);
      const state = parseRepoFiles(revision, files);
      // The analysis cache of a data dir is not needed here; the snapshot cache is worth keeping.
      const sandbox = createSandbox({ dataDir: process.env.MCPBOX_DATA_DIR ?? join(tmpdir(), 'mcpbox-validate') });
      let result;
      try {
        result = await validateRevision(state, sandbox);
      } catch (err) {
        throw new CliError(`the sandbox could not analyze the tools: ${(err as Error).message}`);
      } finally {
        await sandbox.close();
      }
      if (options.json) {
        process.stdout.write(JSON.stringify({ valid: result.valid, problems: result.problems }, null, 2) + '\n');
      } else {
        const t = createTerminal();
        for (const p of result.problems) t.out(formatProblem(p));
        const errors = result.problems.filter((p) => p.severity === 'error').length;
        if (result.valid) t.out(t.color.green(`✓ valid: ${result.tools} tool(s)${result.problems.length ? `, ${result.problems.length} warning(s)` : ''}`));
        else t.err(`${errors} error(s) in ${revision === 'worktree' ? root : revision}`);
      }
      if (!result.valid) throw new CliError('the tools repo is not valid; fix the problems listed above');
    });
}

function formatProblem(p: Problem): string {
  const at = p.line ? `${p.file}:${p.line}:${p.col ?? 1}` : p.file;
  return `${at}: ${p.severity === 'warning' ? 'warning: ' : ''}${p.message}`;
}

async function readRevision(root: string, rev: string | undefined): Promise<{ revision: string; files: RepoFile[] }> {
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new CliError(`${root} is not a directory; give the path of a tools repo`, 'usage');
  const bare = existsSync(join(root, 'HEAD')) && existsSync(join(root, 'objects')) && existsSync(join(root, 'refs'));
  const gitDir = bare ? root : join(root, '.git');
  if (bare || rev !== undefined) {
    if (!existsSync(gitDir)) throw new CliError(`--rev needs a git repository, and ${root} has no .git`, 'usage');
    try {
      const { commit, files } = await readTree(gitDir, rev ?? 'refs/heads/main');
      return { revision: commit, files };
    } catch (err) {
      if (isGitError(err)) throw new CliError(`cannot read ${rev ?? 'main'} from ${gitDir}: ${err.message}`, 'usage');
      throw err;
    }
  }
  return { revision: 'worktree', files: readWorkTree(root) };
}

/** Every regular file under root except `.git/`, with git's blob id (`hash-object`). */
function readWorkTree(root: string): RepoFile[] {
  const files: RepoFile[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === '.git') continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) {
        const bytes = readFileSync(full);
        const blob = createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
        files.push({ path: relative(root, full).split(sep).join('/'), blob, content: bytes.toString('utf8') });
      }
    }
  };
  walk(root);
  return files.sort((a, b) => (a.path < b.path ? -1 : 1));
}
