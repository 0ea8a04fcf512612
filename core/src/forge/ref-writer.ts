// The single place forge code moves refs. A writer is created for a scope and refuses every ref
// outside it, so the gateway's BranchForge structurally cannot touch `main`: its writer is built
// with the 'branch' scope and no other writer is reachable from its operations.
import { GitError } from '../git/errors.ts';
import type { RefWriter } from '../git/commit-changes.ts';
import { updateRefs, type RefUpdate } from '../git/refs.ts';
import { assertRefName } from '../git/validate.ts';

/** 'branch': the gateway (LLM) side. 'admin': the admin CLI, which may also move main. */
export type WriteScope = 'branch' | 'admin';

export const PULLS_REF = 'refs/mcpbox/pulls';
export const GATEWAY_BRANCH_PREFIX = 'mcpbox/';

const branchScope: RegExp[] = [/^refs\/heads\/mcpbox\/[^/]/, /^refs\/pull\/[1-9][0-9]*\/head$/, /^refs\/mcpbox\/pulls$/];

/** Whether a writer of `scope` may move `ref` (which must already be a valid ref name). */
export function mayWrite(scope: WriteScope, ref: string): boolean {
  if (scope === 'admin') return true;
  return branchScope.some((pattern) => pattern.test(ref));
}

export function scopedRefWriter(gitDir: string, scope: WriteScope): RefWriter {
  return async (updates: RefUpdate[], reason: string) => {
    for (const update of updates) {
      assertRefName(update.ref);
      if (!mayWrite(scope, update.ref)) {
        throw new GitError(
          'forbidden_ref',
          `Refusing to write ${update.ref}: changes from MCP clients go to branches named "${GATEWAY_BRANCH_PREFIX}…" and reach main only when an admin merges the pull request.`,
        );
      }
    }
    await updateRefs(gitDir, updates, reason);
  };
}
