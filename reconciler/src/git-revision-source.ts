// The RevisionSource over a bare repo on disk (the embedded tools repo or a local mirror).
// Reads stay cheap for big repos: the tree listing is one `ls-tree`, and only blobs not seen in
// the previous read are fetched (a one-tool change reads one blob), then parsed as a whole.
import { diffTree, isGitError, listTree, parseRepoFiles, readBlobs, resolveCommit, watchMain } from '@mcpbox/core';
import type { DesiredState, RepoFile } from '@mcpbox/core';
import { ReconcileError } from './errors.ts';
import type { RevisionSource } from './revision-source.ts';
import { SAFE_MODULES } from '@mcpbox/sandbox';

export interface GitRevisionSourceOptions {
  /** The ref the reconciler follows. Default `refs/heads/main`. */
  ref?: string;
}

export class GitRevisionSource implements RevisionSource {
  readonly gitDir: string;
  readonly ref: string;
  /** Text of the blobs of the last revision read, by blob id. */
  #contents = new Map<string, string>();
  /** path → blob listings of the revisions read lately, so changedPaths needs no git process. */
  #listings = new Map<string, Promise<Map<string, string>>>();

  constructor(gitDir: string, options: GitRevisionSourceOptions = {}) {
    this.gitDir = gitDir;
    this.ref = options.ref ?? 'refs/heads/main';
  }

  async head(): Promise<string> {
    try {
      return await resolveCommit(this.gitDir, this.ref);
    } catch (err) {
      throw fetchFailed(`cannot resolve ${this.ref} in ${this.gitDir}`, err);
    }
  }

  async readDesiredState(revision: string): Promise<DesiredState> {
    let files: RepoFile[];
    try {
      const listing = listTree(this.gitDir, revision);
      this.#remember(revision, listing.then((entries) => new Map(entries.map((e) => [e.path, e.blob]))));
      const entries = await listing;
      const missing = entries.map((e) => e.blob).filter((b) => !this.#contents.has(b));
      const fetched = await readBlobs(this.gitDir, missing);
      const next = new Map<string, string>();
      files = entries.map((e) => {
        const content = this.#contents.get(e.blob) ?? fetched.get(e.blob)?.toString('utf8') ?? '';
        next.set(e.blob, content);
        return { path: e.path, blob: e.blob, content };
      });
      this.#contents = next;
    } catch (err) {
      throw fetchFailed(`cannot read revision ${revision.slice(0, 12)} from ${this.gitDir}`, err);
    }
    return parseRepoFiles(revision, files, { safeModules: SAFE_MODULES });
  }

  async changedPaths(from: string, to: string): Promise<string[] | null> {
    const before = this.#listings.get(from);
    const after = this.#listings.get(to);
    if (before && after) {
      try {
        return diffListings(await before, await after);
      } catch {
        // a listing failed to read: ask git below, which reports properly
      }
    }
    try {
      return (await diffTree(this.gitDir, from, to)).map((c) => c.path);
    } catch (err) {
      if (isGitError(err, 'not_found')) return null; // `from` rewritten away: rebuild in full
      throw fetchFailed(`cannot compare ${from.slice(0, 12)} with ${to.slice(0, 12)}`, err);
    }
  }

  #remember(revision: string, listing: Promise<Map<string, string>>): void {
    listing.catch(() => {}); // failures surface through readDesiredState
    this.#listings.delete(revision);
    this.#listings.set(revision, listing);
    // The applied revision and the one being read are all an incremental build compares.
    while (this.#listings.size > 3) this.#listings.delete(this.#listings.keys().next().value!);
  }

  watch(onMove: (reason: string) => void): () => void {
    // watchMain hears this process's own merges/reverts at once and other processes' pushes on disk.
    const watcher = watchMain(this.gitDir, (event) => onMove(`main moved (${event.reason})`));
    return () => watcher.close();
  }
}

function fetchFailed(what: string, err: unknown): ReconcileError {
  return new ReconcileError('FetchFailed', `${what}: ${(err as Error)?.message ?? String(err)}`);
}

function diffListings(before: Map<string, string>, after: Map<string, string>): string[] {
  const changed: string[] = [];
  for (const [path, blob] of after) if (before.get(path) !== blob) changed.push(path);
  for (const path of before.keys()) if (!after.has(path)) changed.push(path);
  return changed;
}
