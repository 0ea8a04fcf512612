// A tiny LiveRegistry for tests: the real interface, with revisions the test sets by hand (the
// reconciler builds them in production). Not a mock of a real part: it is the contract itself.
import { createHash } from 'node:crypto';
import type { DesiredState } from '@mcpbox/core';
import type { LiveRegistry, LiveRevision, LiveTool } from '@mcpbox/reconciler';

export class TestRegistry implements LiveRegistry {
  private revision: LiveRevision | null = null;
  private readonly listeners = new Set<(next: LiveRevision, previous: LiveRevision | null) => void>();

  current(): LiveRevision | null {
    return this.revision;
  }

  onChange(listener: (next: LiveRevision, previous: LiveRevision | null) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  apply(state: DesiredState, tools: LiveTool[]): LiveRevision {
    const previous = this.revision;
    const next: LiveRevision = {
      revision: state.revision,
      digest: createHash('sha256').update(JSON.stringify(tools.map((t) => [t.id, t.codeBlob]))).digest('hex'),
      appliedAt: new Date().toISOString(),
      tools: new Map(tools.map((t) => [t.id, t])),
      state,
    };
    this.revision = next;
    for (const listener of this.listeners) listener(next, previous);
    return next;
  }
}

/** A live tool for every tool of a desired state, with the given (or a permissive) input schema. */
export function liveToolsOf(state: DesiredState, schemas: Record<string, Record<string, unknown>> = {}): LiveTool[] {
  return Object.values(state.servers).flatMap((server) =>
    Object.values(server.tools).map((tool) => ({
      id: tool.id,
      server: server.name,
      name: tool.name,
      description: tool.meta.description ?? `Tool ${tool.name}`,
      inputSchema: schemas[tool.id] ?? { type: 'object', properties: {} },
      ...(tool.meta.annotations === undefined ? {} : { annotations: tool.meta.annotations }),
      timeoutMs: tool.meta.timeout_ms ?? state.config.defaults.timeout_ms,
      code: tool.code,
      codeBlob: tool.codeBlob,
    })),
  );
}

export const TEXT_STATS_SCHEMA = {
  type: 'object',
  properties: { text: { type: 'string' }, top: { type: 'integer', default: 5 } },
  required: ['text'],
  additionalProperties: false,
};
