// Writing a change onto its branch without losing anyone's commit. Every write is a loop of
// read → decide → compare-and-swap commit: the decision (does the tool exist? is this still the
// version the caller saw?) is made on exactly the head the commit is built on, and a writer that
// loses the race reads again and decides again. Branches are prepared first: created from main when
// missing, started again from main when main already contains them (their pull request was merged).
import type { BranchForge, FileChangeInput, RepoFile } from '@mcpbox/core';
import { branchRef, diffTree, isAncestor, isGitError, resolveCommit, runGit, tryResolveCommit, type FileChange } from '@mcpbox/core';
import { ToolError } from '../../tools/tool-error.ts';
import { callerTrailers } from './caller-context.ts';

/** The identity every gateway commit is authored by (branch writes and a new repo's first commit); the caller goes into trailers. */
export const GATEWAY_IDENTITY = { name: 'mcpbox', email: 'mcpbox@localhost' } as const;

const MAIN = 'refs/heads/main';
const RACE_DEADLINE_MS = 30_000;

export interface Snapshot {
  commit: string;
  files: Map<string, RepoFile>;
}

export interface ChangePlan {
  changes: FileChangeInput[];
  /** Reviewer-readable, e.g. "tool(uptime): add claude_status". */
  message: string;
  trailers?: Record<string, string>;
}

export interface PlanContext {
  branch: Snapshot;
  main: Snapshot;
}

export interface PrepareOptions {
  /** Start the branch again from main unless a pull request is open for it (one request per branch). */
  resetUnlessOpen?: boolean;
}

export class BranchWriter {
  readonly gitDir: string;
  readonly forge: BranchForge;
  // Writers of one branch in this process take turns, so twenty clients on one draft cost twenty
  // commits rather than a storm of lost races; the compare-and-swap loop still guards against
  // other processes.
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(gitDir: string, forge: BranchForge) {
    this.gitDir = gitDir;
    this.forge = forge;
  }

  async mainHead(): Promise<string> {
    return resolveCommit(this.gitDir, MAIN);
  }

  async branchHead(branch: string): Promise<string | undefined> {
    return tryResolveCommit(this.gitDir, branchRef(branch));
  }

  async read(rev: string): Promise<Snapshot> {
    const { commit, files } = await this.forge.readFiles({ ref: rev });
    return { commit, files: new Map(files.map((f) => [f.path, f])) };
  }

  /** Whether the branch has commits main does not have. */
  async hasChanges(branch: string): Promise<boolean> {
    const head = await this.branchHead(branch);
    if (head === undefined) return false;
    return !(await isAncestor(this.gitDir, head, MAIN));
  }

  /**
   * What a branch head brings in: its changes since it left main (three-dot), so changes merged to
   * main meanwhile do not show up as if the branch undid them.
   */
  async changesSinceMain(head: string): Promise<FileChange[]> {
    const { stdout } = await runGit(this.gitDir, ['merge-base', '--end-of-options', MAIN, head]);
    return diffTree(this.gitDir, stdout.toString('utf8').trim(), head);
  }

  /** Makes sure `branch` exists and holds unmerged work or nothing; returns its head. */
  async prepare(branch: string, options: PrepareOptions = {}): Promise<string> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const head = await this.branchHead(branch);
      if (head === undefined) {
        try {
          return (await this.forge.createBranch({ branch })).head;
        } catch (err) {
          if (isGitError(err, 'conflict') || isGitError(err, 'locked')) continue; // created by someone else meanwhile
          throw err;
        }
      }
      const main = await this.mainHead();
      if (head === main) return head;
      let stale = await isAncestor(this.gitDir, head, main);
      if (!stale && options.resetUnlessOpen) stale = (await this.forge.listPullRequests({ state: 'open', branch })).length === 0;
      if (!stale) return head;
      try {
        await this.forge.deleteBranch({ branch, expectedHead: head });
      } catch (err) {
        if (!(isGitError(err, 'conflict') || isGitError(err, 'not_found') || isGitError(err, 'locked'))) throw err;
      }
    }
    throw new ToolError('conflict', `The branch ${branch} keeps changing under this request; try again in a moment.`);
  }

  /**
   * Commits what `plan` decides onto `branch`. `plan` may throw a ToolError (e.g. "already exists")
   * or return null (nothing to change). Returns the new head, or undefined when nothing changed.
   */
  async apply(branch: string, plan: (ctx: PlanContext) => Promise<ChangePlan | null> | ChangePlan | null, options: PrepareOptions = {}): Promise<{ commit?: string; head: string }> {
    return this.exclusive(branch, () => this.applyInTurn(branch, plan, options));
  }

  /** Runs `work` when no other writer of `branch` in this process is running (a queue per branch). */
  async exclusive<T>(branch: string, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(branch) ?? Promise.resolve();
    const turn = previous.then(work, work);
    const settled = turn.catch(() => undefined);
    this.queues.set(branch, settled);
    void settled.then(() => {
      if (this.queues.get(branch) === settled) this.queues.delete(branch);
    });
    return turn;
  }

  /** `apply` for a caller that already holds the branch's turn (see `exclusive`). */
  async applyInTurn(branch: string, plan: (ctx: PlanContext) => Promise<ChangePlan | null> | ChangePlan | null, options: PrepareOptions): Promise<{ commit?: string; head: string }> {
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      // Only the first preparation may reset: afterwards the branch holds work of this very loop's peers.
      const head = await this.prepare(branch, attempt === 0 ? options : {});
      const [branchSnapshot, mainSnapshot] = await Promise.all([this.read(head), this.read(MAIN)]);
      const decided = await plan({ branch: branchSnapshot, main: mainSnapshot });
      if (decided === null || decided.changes.length === 0) return { head };
      try {
        const result = await this.forge.commitChanges({
          branch,
          changes: decided.changes,
          message: decided.message,
          author: GATEWAY_IDENTITY,
          trailers: { ...decided.trailers, ...callerTrailers() },
          expectedHead: head,
        });
        return { commit: result.commit, head: result.commit };
      } catch (err) {
        const lostRace = isGitError(err, 'conflict') || isGitError(err, 'not_found') || isGitError(err, 'locked');
        if (!lostRace) throw err;
        if (Date.now() - started > RACE_DEADLINE_MS) {
          throw new ToolError('conflict', `The branch ${branch} is changing too often to commit to; try again in a moment.`);
        }
        await pause(attempt);
      }
    }
  }
}

function pause(attempt: number): Promise<void> {
  const ms = Math.min(250, 5 * 2 ** Math.min(attempt, 6)) * (0.5 + Math.random());
  return new Promise((resolve) => setTimeout(resolve, ms));
}
