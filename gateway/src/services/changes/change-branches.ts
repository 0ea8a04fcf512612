// Where each kind of change lives. One branch per change, always under `mcpbox/` (the only
// branches the gateway's forge may write), named from already-validated names only:
//   mcpbox/draft/<server>                    new servers and tool creates/updates of one server
//                                            accumulate here until published as one pull request
//   mcpbox/remove/<server>                   deleting a server (a pull request at once)
//   mcpbox/remove/<server>__<tool>           deleting a tool that is on main
//   mcpbox/module/<module, dots as dashes>   a module request (policy/modules.yaml)
//   mcpbox/network/<server>__<host>__<port>  a network grant request (policy/network.yaml)
//   mcpbox/secret/<server>__<NAME>           declaring a secret name on a server that is on main
//   mcpbox/rollback/<server>__<tool>__<sha>  restoring an older version of a tool
// Every name below is checked again by core's branchRef before it reaches git, which allows 200
// characters: a longer name (a 253-character host, a 128-character secret) keeps its start and ends
// in a short hash of the whole, so it stays unique and readable.
import { createHash } from 'node:crypto';
import { toolId } from '@mcpbox/core';

const MAX_BRANCH_LENGTH = 180;

function bounded(branch: string): string {
  if (branch.length <= MAX_BRANCH_LENGTH) return branch;
  const hash = createHash('sha256').update(branch).digest('hex').slice(0, 12);
  return `${branch.slice(0, MAX_BRANCH_LENGTH - 13).replace(/[./-]+$/, '')}-${hash}`;
}

export type ChangeKind = 'tools' | 'delete_server' | 'delete_tool' | 'module' | 'network' | 'secret' | 'rollback';

const DRAFT_PREFIX = 'mcpbox/draft/';

export function draftBranch(server: string): string {
  return `${DRAFT_PREFIX}${server}`;
}

export function removeServerBranch(server: string): string {
  return `mcpbox/remove/${server}`;
}

export function removeToolBranch(server: string, tool: string): string {
  return `mcpbox/remove/${toolId(server, tool)}`;
}

export function moduleBranch(module: string): string {
  return bounded(`mcpbox/module/${module.replace(/\./g, '-')}`);
}

export function networkBranch(server: string, host: string, port: number | undefined): string {
  // IPv6 literals carry ":", which refs may not; the port (or "any") keeps the name from ending in ".lock".
  return bounded(`mcpbox/network/${server}__${host.replace(/:/g, '-')}__${port ?? 'any'}`);
}

export function secretBranch(server: string, name: string): string {
  return bounded(`mcpbox/secret/${server}__${name}`);
}

export function rollbackBranch(server: string, tool: string, commit: string): string {
  return `mcpbox/rollback/${toolId(server, tool)}__${commit.slice(0, 12)}`;
}

/** The server a draft branch belongs to, or undefined for other branches. */
export function serverOfDraft(branch: string): string | undefined {
  return branch.startsWith(DRAFT_PREFIX) ? branch.slice(DRAFT_PREFIX.length) : undefined;
}
