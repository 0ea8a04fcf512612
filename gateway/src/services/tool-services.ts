// What management tool handlers may use. Handlers stay short: the logic lives in these services.
import { listToolVersions, type BranchForge, type ExecutionLogRepository, type ServerSwitchRepository } from '@mcpbox/core';
import type { LiveRegistry, ReconcilerStatus } from '@mcpbox/reconciler';
import type { Sandbox } from '@mcpbox/sandbox';
import { createChangeServices, type ChangeServices, type SecretPresence } from './changes/index.ts';
import { MainStateReader } from './main-state.ts';

export interface ToolVersion {
  commit: string;
  author: string;
  date: string;
  message: string;
}

export interface ToolServices {
  mainState: MainStateReader;
  registry: LiveRegistry;
  toolVersions(server: string, tool: string): Promise<ToolVersion[]>;
  /** The write side: drafts on branches, pull requests, tests, derived status, runtime switches. */
  changes: ChangeServices;
  /** Recorded tool calls (mcpbox_get_tool_logs); null when the gateway runs without a state store. */
  executionLogs: Pick<ExecutionLogRepository, 'query'> | null;
  /** The reconciler's status (Flux's model); null when the gateway runs without a reconciler. */
  reconcilerStatus(): ReconcilerStatus | null;
}

export interface ToolServiceExtras {
  sandbox?: Sandbox | null;
  serverSwitches?: ServerSwitchRepository | null;
  /** The secret store (only whether a value is set is ever asked). */
  secretValues?: SecretPresence | null;
  executionLogs?: Pick<ExecutionLogRepository, 'query'> | null;
  /** A remote forge's adapter (GitHub, Gitea); default: the local forge over gitDir. */
  forge?: BranchForge | null;
  reconcilerStatus?: (() => ReconcilerStatus) | null;
}

export function createToolServices(gitDir: string, registry: LiveRegistry, extras: ToolServiceExtras = {}): ToolServices {
  const mainState = new MainStateReader(gitDir);
  return {
    mainState,
    registry,
    executionLogs: extras.executionLogs ?? null,
    reconcilerStatus: () => extras.reconcilerStatus?.() ?? null,
    changes: createChangeServices({ gitDir, mainState, registry, sandbox: extras.sandbox ?? null, serverSwitches: extras.serverSwitches ?? null, secretValues: extras.secretValues ?? null, ...(extras.forge ? { forge: extras.forge } : {}) }),
    async toolVersions(server, tool) {
      const versions = await listToolVersions(gitDir, server, tool);
      return versions.map((v) => ({ commit: v.commit, author: v.author, date: v.date, message: v.message }));
    },
  };
}
