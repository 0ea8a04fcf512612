// What management tool handlers may use. Handlers stay short: the logic lives in these services.
import { listToolVersions } from '@mcpbox/core';
import type { LiveRegistry } from '@mcpbox/reconciler';
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
}

export function createToolServices(gitDir: string, registry: LiveRegistry): ToolServices {
  return {
    mainState: new MainStateReader(gitDir),
    registry,
    async toolVersions(server, tool) {
      const versions = await listToolVersions(gitDir, server, tool);
      return versions.map((v) => ({ commit: v.commit, author: v.author, date: v.date, message: v.message }));
    },
  };
}
