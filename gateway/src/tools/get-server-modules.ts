import * as z from 'zod';
import { effectiveModules, SAFE_MODULES } from '@mcpbox/sandbox';
import { findServer } from '../services/main-lookup.ts';
import { defineManagementTool, READ_ONLY } from './define-tool.ts';
import { GITOPS_NOTE } from './workflow.ts';

export const getServerModules = defineManagementTool({
  name: 'mcpbox_get_server_modules',
  title: 'Get allowed modules',
  description: `Show which Python modules tools may import: the built-in safe set (stdlib modules that only compute) plus the modules granted in policy/modules.yaml on main, each with its reason. With server_id, also that server's network grants (hosts its tools may reach through \`http\`). Importing anything else fails; more modules or hosts are granted only by a merged pull request. ${GITOPS_NOTE}`,
  input: z.object({ server_id: z.string().min(1).max(64, 'server_id is at most 64 characters').optional().describe('Also show this server\'s network grants') }),
  output: z.object({
    safe_modules: z.array(z.string()),
    granted_modules: z.array(z.object({ name: z.string(), reason: z.string() })),
    allowed_modules: z.array(z.string()),
    total_allowed: z.number().int(),
    network_grants: z.array(z.object({ host: z.string(), port: z.number().int().optional(), reason: z.string() })).optional(),
    revision: z.string(),
  }),
  annotations: { ...READ_ONLY, title: 'Get allowed modules' },
  async handler({ server_id }, { mainState }) {
    const state = await mainState.current();
    const granted = state.modules.allowed.map((m) => ({ name: m.name, reason: m.reason }));
    const allowed = [...effectiveModules(granted.map((m) => m.name))].sort();
    // Looked up first: with no grants at all, an unknown server must still be reported as unknown.
    const server = server_id === undefined ? undefined : findServer(state, server_id);
    const grants =
      server === undefined
        ? undefined
        : state.network.grants
            .filter((g) => g.server === server.name)
            .map((g) => ({ host: g.host, ...(g.port === undefined ? {} : { port: g.port }), reason: g.reason }));
    return {
      safe_modules: [...SAFE_MODULES],
      granted_modules: granted,
      allowed_modules: allowed,
      total_allowed: allowed.length,
      ...(grants === undefined ? {} : { network_grants: grants }),
      revision: state.revision,
    };
  },
});
