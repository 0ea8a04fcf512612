import * as z from 'zod';
import { ServerId } from '../services/changes/index.ts';
import { defineManagementTool } from './define-tool.ts';

export const startServer = defineManagementTool({
  name: 'mcpbox_start_server',
  title: 'Start a server',
  description: 'Start a server on main: its tools can be called again and its sandbox process starts now instead of on the first call. The switch is kept across gateway restarts (in the state store); it is a runtime switch, not a change to the repo, so no pull request is involved.',
  input: z.object({ server_id: ServerId }),
  output: z.object({ success: z.boolean(), server_id: z.string(), running: z.boolean(), changed: z.boolean(), changed_at: z.string(), message: z.string() }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false, title: 'Start a server' },
  async handler({ server_id }, { changes }) {
    return { success: true, ...(await changes.switches.set(server_id, true)) };
  },
});
