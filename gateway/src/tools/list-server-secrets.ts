import * as z from 'zod';
import { ServerId } from '../services/changes/index.ts';
import { findServer } from '../services/main-lookup.ts';
import { defineManagementTool, READ_ONLY } from './define-tool.ts';
import { GITOPS_NOTE } from './workflow.ts';

export const listServerSecrets = defineManagementTool({
  name: 'mcpbox_list_server_secrets',
  title: 'List server secrets',
  description: `List the secret names a server declares on main, with their descriptions and whether a value is set. Values are never shown. Declare a new one with mcpbox_create_server_secret. ${GITOPS_NOTE}`,
  input: z.object({ server_id: ServerId }),
  output: z.object({
    server_id: z.string(),
    secrets: z.array(z.object({ key: z.string(), description: z.string(), has_value: z.boolean() })),
    total: z.number().int(),
    note: z.string(),
  }),
  annotations: { ...READ_ONLY, title: 'List server secrets' },
  async handler({ server_id }, { mainState, changes }) {
    const server = findServer(await mainState.current(), server_id);
    const store = changes.context.secretValues;
    return {
      server_id: server.name,
      secrets: server.secrets.map((s) => ({ key: s.name, description: s.description, has_value: store?.has(server.name, s.name) ?? false })),
      total: server.secrets.length,
      note:
        store === null
          ? 'has_value is reported false for every secret: this gateway runs without a secret store, so whether a value was set cannot be known. Values are set by an admin with `mcpbox secret set` and are never readable over MCP.'
          : 'Values are set by an admin with `mcpbox secret set` and are never readable over MCP; tools of this server read them as secrets["NAME"].',
    };
  },
});
