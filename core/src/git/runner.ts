// The one place that spawns `git`. Binary-safe (stdout is a Buffer), feeds stdin, and runs with a
// controlled environment: ambient GIT_* variables (GIT_DIR, GIT_INDEX_FILE from a hook, …) are
// dropped so they cannot redirect us, and LC_ALL=C keeps git's messages parseable.
import { spawn } from 'node:child_process';
import { GitError } from './errors.ts';

export interface GitRunOptions {
  input?: string | Buffer;
  /** Extra environment (identities, GIT_INDEX_FILE). */
  env?: Record<string, string>;
  /** Exit codes that are not failures (default [0]). */
  okCodes?: number[];
}

export interface GitRunResult {
  stdout: Buffer;
  stderr: string;
  code: number;
}

function gitEnvironment(extra: Record<string, string> | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('GIT_')) env[key] = value;
  }
  env.LC_ALL = 'C';
  env.GIT_TERMINAL_PROMPT = '0';
  env.GIT_CONFIG_NOSYSTEM = '1';
  return { ...env, ...extra };
}

/** Runs `git --git-dir=<gitDir> <args…>`; rejects with a GitError when the exit code is not ok. */
export function runGit(gitDir: string | undefined, args: string[], options: GitRunOptions = {}): Promise<GitRunResult> {
  const fullArgs = gitDir === undefined ? args : [`--git-dir=${gitDir}`, ...args];
  return new Promise((resolve, reject) => {
    const child = spawn('git', fullArgs, { env: gitEnvironment(options.env), stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (cause) => reject(new GitError('git_failed', 'Could not start git; is it installed and on PATH?', { cause })));
    // git may exit before reading all of stdin (e.g. on a bad argument); that is reported via the exit code.
    child.stdin.on('error', () => {});
    child.on('close', (code) => {
      const result: GitRunResult = { stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8'), code: code ?? -1 };
      if ((options.okCodes ?? [0]).includes(result.code)) resolve(result);
      else reject(classifyFailure(args, result));
    });
    if (options.input !== undefined) child.stdin.end(options.input);
    else child.stdin.end();
  });
}

/** Turns git's stderr into a typed error a person can act on. */
function classifyFailure(args: string[], result: GitRunResult): GitError {
  const stderr = result.stderr.trim();
  const verb = args.find((a) => !a.startsWith('-')) ?? 'git';
  const detail = stderr || `exit code ${result.code}`;
  if (/not a git repository|does not appear to be a git repository/i.test(stderr)) {
    return new GitError('repo_missing', 'The tools repository is missing or is not a git repository. Run `mcpbox init` or check MCPBOX_DATA_DIR.', { detail });
  }
  if (/Unable to create '.*\.lock': File exists|could not lock config file|unable to lock/i.test(stderr)) {
    return new GitError('locked', 'Another process is writing to the repository (a git lock file exists). Try again in a moment.', { detail });
  }
  if (/cannot lock ref .*(but expected|reference already exists|unable to resolve reference)|is at [0-9a-f]+ but expected/i.test(stderr)) {
    return new GitError('conflict', 'The branch moved while this change was being written. Re-read it and try again.', { detail });
  }
  if (/unknown revision|bad revision|not a valid object name|invalid object name|not a valid commit name|bad object|needed a single revision|not a tree object|does not point to a valid object/i.test(stderr)) {
    return new GitError('not_found', 'The requested revision or object does not exist in the repository.', { detail });
  }
  return new GitError('git_failed', `git ${verb} failed unexpectedly.`, { detail });
}
