// Reads the desired state of `main` for the read-side tools, cached per main sha: a call costs a
// ref lookup unless main moved. Concurrent callers for the same sha share one read.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { readDesiredState, type DesiredState } from '@mcpbox/core';
import { ToolError } from '../tools/tool-error.ts';

const run = promisify(execFile);
const MAIN = 'refs/heads/main';
const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

export class MainStateReader {
  readonly gitDir: string;
  private cached: { sha: string; state: Promise<DesiredState> } | null = null;

  constructor(gitDir: string) {
    this.gitDir = gitDir;
  }

  /** The commit `main` points at now. */
  async mainSha(): Promise<string> {
    // Reading the ref file is ~100x cheaper than spawning git; a loose ref wins over packed-refs,
    // exactly as git resolves it. Anything unusual (symref, missing) falls back to git itself.
    try {
      const loose = (await readFile(join(this.gitDir, MAIN), 'utf8')).trim();
      if (SHA.test(loose)) return loose;
    } catch {
      // not loose: packed or missing
    }
    try {
      const packed = await readFile(join(this.gitDir, 'packed-refs'), 'utf8');
      for (const line of packed.split('\n')) {
        const [sha, ref] = line.split(' ');
        if (ref === MAIN && sha !== undefined && SHA.test(sha)) return sha;
      }
    } catch {
      // no packed-refs
    }
    try {
      const { stdout } = await run('git', ['--git-dir', this.gitDir, 'rev-parse', '--verify', '--quiet', `${MAIN}^{commit}`]);
      return stdout.trim();
    } catch {
      throw new ToolError('unavailable', `The tools repo at ${this.gitDir} has no readable main branch. An admin should run \`mcpbox init\` or check MCPBOX_REPO.`);
    }
  }

  /** The desired state of main (cached per sha). */
  async current(): Promise<DesiredState> {
    const sha = await this.mainSha();
    if (this.cached?.sha !== sha) {
      const state = readDesiredState(this.gitDir, sha);
      this.cached = { sha, state };
      // A failed read must not stay cached: the next call retries.
      state.catch(() => {
        if (this.cached?.state === state) this.cached = null;
      });
    }
    return this.cached.state;
  }
}
