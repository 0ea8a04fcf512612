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
import { createSandbox, SAFE_MODULES } from '@mcpbox/sandbox';
import { CliError } from '../cli-error.ts';
import { createTerminal } from '../terminal.ts';

export function register(program: Command): void {
  program
    .command('validate')
    .description('validate a tools repo: file formats, tool code (syntax, async main) and the module allowlist')
    .argument('[paths...]', 'work trees of tools repos, or bare repos (several paths share one sandbox)', ['.'])
    .option('--rev <rev>', 'validate this revision of the repo instead of the files on disk (bare repos: default main)')
    .option('--json', 'print {valid, problems} as JSON (with several paths: an array of {path, valid, problems})')
    .action(async (paths: string[], options: { rev?: string; json?: boolean }) => {
      const roots = paths.map((p) => resolve(p));
      // Read everything first: a usage error (no such path, bad rev) must not cost a sandbox start.
      const revisions = await Promise.all(roots.map((root) => readRevision(root, options.rev)));
      // The analysis cache of a data dir is not needed here; the snapshot cache is worth keeping.
      const sandbox = createSandbox({ dataDir: process.env.MCPBOX_DATA_DIR ?? join(tmpdir(), 'mcpbox-validate') });
      const reports: Array<{ path: string; revision: string; valid: boolean; tools: number; problems: Problem[] }> = [];
      try {
        for (const [i, { revision, files }] of revisions.entries()) {
          const state = parseRepoFiles(revision, files, { safeModules: SAFE_MODULES });
          const result = await validateRevision(state, sandbox);
          reports.push({ path: paths[i]!, revision, valid: result.valid, tools: result.tools, problems: result.problems });
        }
      } catch (err) {
        throw new CliError(`the sandbox could not analyze the tools: ${(err as Error).message}`);
      } finally {
        await sandbox.close();
      }
      const several = reports.length > 1;
      if (options.json) {
        const out = several ? reports.map(({ path, valid, problems }) => ({ path, valid, problems })) : { valid: reports[0]!.valid, problems: reports[0]!.problems };
        process.stdout.write(JSON.stringify(out, null, 2) + '\n');
      } else {
        const t = createTerminal();
        for (const [i, report] of reports.entries()) {
          // With several repos each problem names its repo, so the line stays clickable.
          const prefix = several ? `${report.path.replace(/\/+$/, '')}/` : '';
          for (const p of report.problems) t.out(prefix + formatProblem(p));
          const errors = report.problems.filter((p) => p.severity === 'error').length;
          if (report.valid) t.out(t.color.green(`✓ valid: ${report.tools} tool(s)${report.problems.length ? `, ${report.problems.length} warning(s)` : ''}${several ? ` in ${report.path}` : ''}`));
          else t.err(`${errors} error(s) in ${report.revision === 'worktree' ? roots[i] : report.revision}`);
        }
      }
      const invalid = reports.filter((r) => !r.valid).length;
      if (invalid > 0) throw new CliError(several ? `${invalid} of ${reports.length} tools repos are not valid; fix the problems listed above` : 'the tools repo is not valid; fix the problems listed above');
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
