// What every local-forge operation receives: the repo, the identity it acts as, and the only
// ref writer it may use (scoped: see ref-writer.ts).
import * as z from 'zod';
import type { RefWriter } from '../git/commit-changes.ts';
import { tryResolveCommit } from '../git/resolve.ts';
import { branchRef, type GitIdentity } from '../git/validate.ts';
import { ForgeError } from './errors.ts';
import type { PullRecord, PullRequest } from './forge.ts';
import { PullStore, type PullSnapshot } from './pull-store.ts';
import type { WriteScope } from './ref-writer.ts';

export interface LocalForgeContext {
  gitDir: string;
  scope: WriteScope;
  writeRefs: RefWriter;
  /** Who the forge acts as: committer of every commit, and author when a call names none. */
  identity: GitIdentity;
  pulls: PullStore;
  now(): string;
}

export const BranchNameSchema = z.string().min(1).max(200);
export const ShaSchema = z.string().regex(/^[0-9a-f]{40}$/, 'must be a full 40-character commit id');
export const PullNumberSchema = z.number().int().positive();
export const CommitOrPullSchema = z.union([
  PullNumberSchema,
  z.string().regex(/^(#[1-9][0-9]*|[0-9a-f]{7,40})$/, 'must be a commit id or a pull request number like "#12"'),
]);

export function pullRef(number: number): string {
  return `refs/pull/${number}/head`;
}

/** A record as callers see it: open PRs follow their branch tip; closed and merged ones are frozen at refs/pull/<n>/head. */
export async function viewPull(ctx: LocalForgeContext, record: PullRecord): Promise<PullRequest> {
  const live = record.state === 'open' ? await tryResolveCommit(ctx.gitDir, branchRef(record.branch)) : undefined;
  const head = live ?? (await tryResolveCommit(ctx.gitDir, pullRef(record.number))) ?? null;
  return { ...record, head };
}

export async function openPullFor(snapshot: PullSnapshot, branch: string): Promise<PullRecord | undefined> {
  return (await snapshot.pulls()).find((p) => p.state === 'open' && p.branch === branch);
}

export async function requireOpen(snapshot: PullSnapshot, number: number): Promise<PullRecord> {
  const record = await snapshot.pull(number);
  if (record.state !== 'open') throw new ForgeError('invalid_state', `Pull request #${number} is already ${record.state}.`);
  return record;
}
