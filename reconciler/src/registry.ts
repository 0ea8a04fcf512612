// The live registry: what the gateway serves right now. Only the reconciler writes it, and only
// with a whole revision of main that validated; readers always see one complete revision.
import type { DesiredState, ToolAnnotations } from '@mcpbox/core';
import type { JsonSchema } from '@mcpbox/sandbox';

export interface LiveTool {
  id: string; // "<server>__<tool>"
  server: string;
  name: string;
  description: string;
  inputSchema: JsonSchema;
  annotations?: ToolAnnotations;
  timeoutMs: number;
  code: string;
  codeBlob: string;
}

export interface LiveRevision {
  revision: string; // commit sha of main
  digest: string; // sha256 of the canonical applied inventory (same content ⇒ same digest)
  appliedAt: string; // ISO time
  tools: ReadonlyMap<string, LiveTool>; // enabled tools of enabled servers, by id
  state: DesiredState; // the whole revision, for policy (modules, grants) and read tools
}

export interface LiveRegistry {
  current(): LiveRevision | null;
  /** Called after every swap, once per applied revision. Returns an unsubscribe function. */
  onChange(listener: (next: LiveRevision, previous: LiveRevision | null) => void): () => void;
}
