// Reads the desired state of `main` for the read-side tools, cached per main sha: a call costs one
// `rev-parse` through core's git runner unless main moved. Concurrent callers for the same sha share one read.
import { readDesiredState, tryResolveCommit, type DesiredState } from '@mcpbox/core';
import { ToolError } from '../tools/tool-error.ts';

const MAIN = 'refs/heads/main';

export class MainStateReader {
  readonly gitDir: string;
  private cached: { sha: string; state: Promise<DesiredState> } | null = null;

  constructor(gitDir: string) {
    this.gitDir = gitDir;
  }

  /** The commit `main` points at now. */
  async mainSha(): Promise<string> {
    const sha = await tryResolveCommit(this.gitDir, MAIN).catch(() => undefined);
    if (sha === undefined) {
      throw new ToolError('unavailable', `The tools repo at ${this.gitDir} has no readable main branch. An admin should run \`mcpbox init\` or check MCPBOX_REPO.`);
    }
    return sha;
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
