// A remote forge for the gateway (MCPBOX_FORGE=github|gitea): its local mirror, the adapter the
// write tools use, and the reconciler's "applied" commit status. Forge failures reach MCP clients
// as a clear ToolError ("forge unreachable: …") instead of an internal error.
import { createGiteaForge, createGitHubForge, RepoMirror, type BranchForge } from '@mcpbox/core';
import type { LiveRegistry } from '@mcpbox/reconciler';
import type { Logger } from 'pino';
import type { RemoteForgeSettings } from '../config/index.ts';
import { TEST_CONTEXT_PREFIX } from '../services/changes/code-service.ts';
import { ToolError } from '../tools/tool-error.ts';

export interface RemoteForge {
  mirror: RepoMirror;
  /** The adapter as the write tools see it: forge failures become ToolErrors. */
  forge: BranchForge;
}

export function createRemoteForge(settings: RemoteForgeSettings, logger?: Logger): RemoteForge {
  const mirror = new RepoMirror({ gitDir: settings.mirrorDir, remoteUrl: settings.repoUrl, token: settings.token });
  const options = { apiUrl: settings.apiUrl, owner: settings.owner, repo: settings.repo, token: settings.token, mirror };
  const adapter: BranchForge = settings.kind === 'github' ? createGitHubForge(options) : createGiteaForge(options);
  return { mirror, forge: failuresAsToolErrors(commentingTestResults(adapter, logger)) };
}

/**
 * Sandbox test results are commit statuses on the draft's head; on a forge, reviewers also read them
 * as a comment on the open pull request of that head. Best effort: the status is what counts.
 */
function commentingTestResults(forge: BranchForge, logger?: Logger): BranchForge {
  return Object.freeze({
    ...forge,
    async setCommitStatus(input: Parameters<BranchForge['setCommitStatus']>[0]) {
      const status = await forge.setCommitStatus(input);
      if (input.context.startsWith(TEST_CONTEXT_PREFIX) && (input.state === 'success' || input.state === 'failure')) {
        try {
          const open = (await forge.listPullRequests({ state: 'open' })).find((p) => p.head === input.sha);
          if (open) {
            const tool = input.context.slice(TEST_CONTEXT_PREFIX.length);
            const verdict = input.state === 'success' ? 'passed' : 'failed';
            await forge.commentPullRequest({ number: open.number, body: `Sandbox test of \`${tool}\` at ${input.sha.slice(0, 12)}: **${verdict}**\n\n${input.description ?? ''}`.trim() });
          }
        } catch (err) {
          logger?.warn({ err: (err as Error).message, sha: input.sha }, 'could not comment the test result on the pull request');
        }
      }
      return status;
    },
  });
}

function isForgeFailure(err: unknown): err is Error & { code: string } {
  const code = (err as { code?: unknown })?.code;
  return err instanceof Error && (code === 'forge_unreachable' || code === 'forge_rejected');
}

/** Wraps every operation so a forge that is down or refuses the token reads as what it is. */
function failuresAsToolErrors(forge: BranchForge): BranchForge {
  const wrapped: Record<string, unknown> = { kind: forge.kind };
  for (const [name, value] of Object.entries(forge)) {
    if (typeof value !== 'function') continue;
    wrapped[name] = async (...args: unknown[]) => {
      try {
        return await (value as (...a: unknown[]) => Promise<unknown>)(...args);
      } catch (err) {
        if (isForgeFailure(err)) throw new ToolError('unavailable', err.message);
        throw err;
      }
    };
  }
  return Object.freeze(wrapped) as unknown as BranchForge;
}

/** Marks every applied revision on the forge (commit status `mcpbox/live`), so reviewers see what is live. */
export function reportAppliedRevisions(registry: LiveRegistry, forge: BranchForge, logger: Logger): () => void {
  return registry.onChange((next) => {
    if (!/^[0-9a-f]{40}$/.test(next.revision)) return;
    forge
      .setCommitStatus({ sha: next.revision, context: 'mcpbox/live', state: 'success', description: `applied by mcpbox: ${next.tools.size} tools live` })
      .catch((err: unknown) => logger.warn({ err: (err as Error).message, revision: next.revision }, 'could not set the live status on the forge'));
  });
}
