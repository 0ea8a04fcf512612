// The admin's side of the local forge, for the `mcpbox pr` and `mcpbox revert` verbs: the only
// place outside tests that constructs an AdminForge (it may move main). The admin is named by
// MCPBOX_ADMIN_NAME / MCPBOX_ADMIN_EMAIL, else the login name.
import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { createLocalAdminForge, ForgeError, GitError, type AdminForge, type GitIdentity } from '@mcpbox/core';
import type { GatewayConfig } from '../../config/index.ts';

export function adminIdentity(env: NodeJS.ProcessEnv = process.env): GitIdentity {
  let login = 'admin';
  try {
    login = userInfo().username.replace(/[^A-Za-z0-9._-]/g, '') || 'admin';
  } catch {
    // no passwd entry (containers): keep the default
  }
  const name = env.MCPBOX_ADMIN_NAME?.trim() || login;
  const email = env.MCPBOX_ADMIN_EMAIL?.trim() || `${login}@localhost`;
  return { name, email };
}

class AdminForgeUnavailable extends Error {
  readonly code = 'repo_missing';
}

export function openAdminForge(config: Pick<GatewayConfig, 'repo'> & Partial<Pick<GatewayConfig, 'remote'>>, identity: GitIdentity = adminIdentity()): AdminForge {
  // With a remote forge, config.repo is only a mirror: a merge there would be overwritten by the next fetch.
  if (config.remote) {
    throw new AdminForgeUnavailable(`the tools repo is on ${config.remote.kind} (${config.remote.repoUrl}): review, merge and revert pull requests there; mcpbox pr and mcpbox revert work on the embedded local forge only`);
  }
  if (!existsSync(config.repo)) {
    throw new AdminForgeUnavailable(`no tools repo at ${config.repo}; start the gateway once (mcpbox up) or set MCPBOX_DATA_DIR / MCPBOX_REPO`);
  }
  return createLocalAdminForge({ gitDir: config.repo, identity });
}

/** A forge or git failure as one line for the terminal; undefined for anything unexpected. */
export function adminFailureMessage(err: unknown): string | undefined {
  if (err instanceof ForgeError || err instanceof GitError || err instanceof AdminForgeUnavailable) return err.message;
  return undefined;
}
