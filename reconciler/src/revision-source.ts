// What the reconciler needs from git, as a small interface: where main is, what a revision says,
// what changed between two revisions, and a signal when main moves. `git-revision-source.ts`
// implements it over the embedded bare repo with core's git and repo services.
import type { DesiredState } from '@mcpbox/core';

export interface RevisionSource {
  /** The sha main points at now. Throws when the repo cannot be read (missing, locked). */
  head(): Promise<string>;
  /** The desired state of one revision (problems included; never throws for bad content). */
  readDesiredState(revision: string): Promise<DesiredState>;
  /** Paths that differ between two revisions, or null when `from` is not known to the repo
   *  (e.g. history rewritten by a force-push and collected). */
  changedPaths(from: string, to: string): Promise<string[] | null>;
  /** Subscribe to "main moved" signals (in-process event, file watch). Returns an unsubscribe. */
  watch?(onMove: (reason: string) => void): () => void;
}
