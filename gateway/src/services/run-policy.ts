// Main's policy for one server's runs, as the sandbox takes it: the modules granted in
// policy/modules.yaml (the sandbox adds its built-in safe set) and this server's network grants.
// Live calls and draft tests both use it, always with main's state: a branch grants nothing.
import type { DesiredState } from '@mcpbox/core';
import type { RunPolicy } from '@mcpbox/sandbox';

export function runPolicyFor(state: DesiredState, server: string): RunPolicy {
  return {
    allowedModules: state.modules.allowed.map((m) => m.name),
    grants: state.network.grants
      .filter((g) => g.server === server)
      .map((g) => (g.port === undefined ? { host: g.host } : { host: g.host, port: g.port })),
  };
}
