// Pull-request records and commit statuses, stored as JSON blobs committed on refs/mcpbox/pulls so
// they travel with the repository (`git clone --mirror`, or fetch `refs/mcpbox/*` and `refs/pull/*`).
// Every change is a read-modify-write of that ref with compare-and-swap, retried on a fresh read
// when another writer won; PR numbers are allocated inside the same CAS, so they never collide.
import { isGitError } from '../git/errors.ts';
import type { RefWriter } from '../git/commit-changes.ts';
import { withRefLock } from '../git/ref-lock.ts';
import { listTree, readBlobs } from '../git/read-tree.ts';
import type { RefUpdate } from '../git/refs.ts';
import { tryResolveCommit } from '../git/resolve.ts';
import type { GitIdentity } from '../git/validate.ts';
import { writeCommitObject, type FileWrite } from '../git/write-commit.ts';
import { ForgeError } from './errors.ts';
import { CommitStatusSchema, PullRecordSchema, type CommitStatus, type PullRecord } from './forge.ts';
import { PULLS_REF } from './ref-writer.ts';

const RETRY_DEADLINE_MS = 30_000;

/** One read of the metadata ref: its head and the blob id of every record. */
export class PullSnapshot {
  readonly gitDir: string;
  readonly head: string | null;
  readonly entries: Map<string, string>;

  constructor(gitDir: string, head: string | null, entries: Map<string, string>) {
    this.gitDir = gitDir;
    this.head = head;
    this.entries = entries;
  }

  nextNumber(): number {
    let max = 0;
    for (const path of this.entries.keys()) {
      const m = /^pulls\/(\d+)\.json$/.exec(path);
      if (m) max = Math.max(max, Number(m[1]));
    }
    return max + 1;
  }

  async pull(number: number): Promise<PullRecord> {
    const blob = this.entries.get(pullPath(number));
    if (blob === undefined) throw new ForgeError('not_found', `There is no pull request #${number}.`);
    const [record] = await this.readJson([blob]);
    return PullRecordSchema.parse(record);
  }

  async pulls(): Promise<PullRecord[]> {
    const blobs = [...this.entries].filter(([path]) => path.startsWith('pulls/')).map(([, blob]) => blob);
    const records = (await this.readJson(blobs)).map((r) => PullRecordSchema.parse(r));
    return records.sort((a, b) => a.number - b.number);
  }

  async statuses(sha: string): Promise<CommitStatus[]> {
    const blob = this.entries.get(statusPath(sha));
    if (blob === undefined) return [];
    const [list] = await this.readJson([blob]);
    return CommitStatusSchema.array().parse(list);
  }

  private async readJson(blobs: string[]): Promise<unknown[]> {
    const contents = await readBlobs(this.gitDir, blobs);
    return blobs.map((b) => JSON.parse(contents.get(b)?.toString('utf8') ?? 'null') as unknown);
  }
}

export function pullPath(number: number): string {
  return `pulls/${number}.json`;
}

export function statusPath(sha: string): string {
  return `statuses/${sha}.json`;
}

export function recordFile(path: string, value: unknown): FileWrite {
  return { path, content: JSON.stringify(value, null, 2) + '\n' };
}

/** What one transaction wants: record files to write, other refs to move with it, and its result. */
export interface PullChange<T> {
  files: FileWrite[];
  message: string;
  alsoUpdate?: RefUpdate[];
  result: T;
  /** Runs after the refs moved (e.g. announce that main moved). */
  afterCommit?: () => void;
}

export class PullStore {
  readonly gitDir: string;
  private readonly writeRefs: RefWriter;
  private readonly identity: GitIdentity;

  constructor(gitDir: string, writeRefs: RefWriter, identity: GitIdentity) {
    this.gitDir = gitDir;
    this.writeRefs = writeRefs;
    this.identity = identity;
  }

  async snapshot(): Promise<PullSnapshot> {
    const head = (await tryResolveCommit(this.gitDir, PULLS_REF)) ?? null;
    const entries = new Map<string, string>();
    if (head !== null) for (const e of await listTree(this.gitDir, head)) entries.set(e.path, e.blob);
    return new PullSnapshot(this.gitDir, head, entries);
  }

  /**
   * Read, decide, write: `decide` sees a fresh snapshot and returns the change; the metadata
   * commit and any other ref updates land in one CAS transaction. If any of those refs moved
   * meanwhile, `decide` runs again on a new snapshot. Errors thrown by `decide` end the attempt.
   */
  async transact<T>(decide: (snapshot: PullSnapshot) => Promise<PullChange<T>>): Promise<T> {
    return withRefLock(`${this.gitDir}\0${PULLS_REF}`, async () => {
      const started = Date.now();
      for (let attempt = 0; ; attempt++) {
        const snapshot = await this.snapshot();
        const change = await decide(snapshot);
        const commit = await writeCommitObject(this.gitDir, {
          parent: snapshot.head,
          changes: change.files,
          message: change.message,
          author: this.identity,
          committer: this.identity,
        });
        try {
          await this.writeRefs([{ ref: PULLS_REF, next: commit, expected: snapshot.head }, ...(change.alsoUpdate ?? [])], change.message);
          change.afterCommit?.();
          return change.result;
        } catch (err) {
          const retry = (isGitError(err, 'conflict') || isGitError(err, 'locked')) && Date.now() - started < RETRY_DEADLINE_MS;
          if (!retry) throw err;
          await new Promise((r) => setTimeout(r, Math.min(200, 5 * 2 ** Math.min(attempt, 5)) * (0.5 + Math.random())));
        }
      }
    });
  }
}
