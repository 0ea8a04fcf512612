// The digest of an applied inventory: sha256 over a canonical form of what is live — each tool's
// id, code blob and metadata, plus the policy (modules, network grants). Same content ⇒ same
// digest, whatever the commit: reverting a merge restores the digest that was live before it.
import { createHash } from 'node:crypto';
import type { DesiredState } from '@mcpbox/core';
import type { LiveTool } from './registry.ts';

/** JSON with object keys sorted at every level, so equal values serialize equally. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export function inventoryDigest(state: DesiredState, tools: ReadonlyMap<string, LiveTool>): string {
  const hash = createHash('sha256');
  hash.update('mcpbox-inventory-v1\n');
  for (const id of [...tools.keys()].sort()) {
    const tool = tools.get(id)!;
    const meta = state.servers[tool.server]?.tools[tool.name]?.meta ?? null;
    hash.update(`${id}\0${tool.codeBlob}\0${canonicalJson(meta)}\0${tool.timeoutMs}\n`);
  }
  const modules = state.modules.allowed.map((m) => m.name).sort();
  const grants = state.network.grants.map((g) => `${g.server} ${g.host}:${g.port ?? ''}`).sort();
  hash.update(canonicalJson({ modules, grants }));
  return `sha256:${hash.digest('hex')}`;
}
