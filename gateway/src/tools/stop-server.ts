import * as z from 'zod';
import { ServerId } from '../services/changes/index.ts';
import { defineManagementTool } from './define-tool.ts';

export const stopServer = defineManagementTool({
  name: 'mcpbox_stop_server',
  title: 'Stop a server',
  description: 'Stop a server on main: ends its sandbox process and records the server as stopped in the state store, kept across gateway restarts. A runtime switch, not a change to the repo (to remove a server for good, use mcpbox_delete_server). Start it again with mcpbox_start_server.',
  input: z.object({ server_id: ServerId }),
  output: z.object({ success: z.boolean(), server_id: z.string(), running: z.boolean(), changed: z.boolean(), changed_at: z.string(), message: z.string() }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false, title: 'Stop a server' },
  async handler({ server_id }, { changes }) {
    return { success: true, ...(await changes.switches.set(server_id, false)) };
  },
});
