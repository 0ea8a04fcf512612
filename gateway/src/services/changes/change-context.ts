// What the change services share: the repo, the gateway's BranchForge (it cannot move main), main's
// desired state, and the runtime parts that may be absent (the sandbox in some embeddings, the state
// store before the runtime wires it).
import type { BranchForge, ServerSwitchRepository } from '@mcpbox/core';
import type { LiveRegistry } from '@mcpbox/reconciler';
import type { Sandbox } from '@mcpbox/sandbox';
import type { MainStateReader } from '../main-state.ts';
import type { BranchWriter } from './branch-writer.ts';

export interface ChangeContext {
  gitDir: string;
  forge: BranchForge;
  writer: BranchWriter;
  mainState: MainStateReader;
  registry: LiveRegistry;
  sandbox: Sandbox | null;
  serverSwitches: ServerSwitchRepository | null;
  /** Whether a secret value is set (the encrypted secret store); null when this gateway has none. */
  secretValues: SecretPresence | null;
}

export interface SecretPresence {
  has(server: string, name: string): boolean;
}

/** How a pull request of the local forge is addressed; the admin reviews it with `mcpbox pr show <n>`. */
export function pullUrl(number: number): string {
  return `mcpbox://pulls/${number}`;
}

export function reviewCommand(number: number): string {
  return `mcpbox pr show ${number}`;
}
