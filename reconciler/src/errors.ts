// Why an attempt failed, as a typed value: the phase it failed in decides whether it is retried.
// Transient failures (repo unreadable or locked, sandbox crashed) back off and retry; a revision
// that is wrong (invalid files, bad code, disallowed import, would remove every tool) is final
// for that sha until a new revision or a manual trigger.
import type { StatusError } from './status.ts';

export type ReconcileFailureCode =
  | 'FetchFailed' // could not resolve or read main (repo missing, locked, unreadable)
  | 'AnalysisFailed' // the sandbox could not analyze (crashed, timed out)
  | 'ValidationFailed' // the revision is invalid: files, code or policy
  | 'EmptyRevisionRefused' // the revision would remove every tool and allow_empty is not set
  | 'ApplyFailed'; // persisting the applied revision failed

const TRANSIENT: ReadonlySet<ReconcileFailureCode> = new Set(['FetchFailed', 'AnalysisFailed', 'ApplyFailed']);

export class ReconcileError extends Error {
  readonly code: ReconcileFailureCode;
  readonly problems: StatusError[];
  constructor(code: ReconcileFailureCode, message: string, problems: StatusError[] = []) {
    super(message);
    this.name = 'ReconcileError';
    this.code = code;
    this.problems = problems;
  }
  get transient(): boolean {
    return TRANSIENT.has(this.code);
  }
}
