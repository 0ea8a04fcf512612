import * as z from 'zod';
import { Justification, outcomeOutput, RequestOutcomeOutput, ServerId } from '../services/changes/index.ts';
import { defineManagementTool } from './define-tool.ts';
import { PROPOSES_CHANGE, WRITE_WORKFLOW } from './write-workflow.ts';

export const deleteServer = defineManagementTool({
  name: 'mcpbox_delete_server',
  title: 'Propose deleting a server',
  description: `Open a pull request (branch "mcpbox/remove/<server>") that deletes a server on main: all its files under servers/<server>/ and its network grants. Nothing is deleted until a person merges it; then its tools stop being served. Asking twice points at the open pull request. ${WRITE_WORKFLOW}`,
  input: z.object({ server_id: ServerId, reason: Justification.describe('Why the server should go, for the reviewer') }),
  output: RequestOutcomeOutput,
  annotations: { ...PROPOSES_CHANGE, title: 'Propose deleting a server' },
  async handler({ server_id, reason }, { changes }) {
    return outcomeOutput(await changes.requests.deleteServer(server_id, reason));
  },
});
