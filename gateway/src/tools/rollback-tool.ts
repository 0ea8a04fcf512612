import * as z from 'zod';
import { CommitId, RequestOutcomeOutput, ToolId, outcomeOutput } from '../services/changes/index.ts';
import { splitToolId } from '../services/tool-ids.ts';
import { defineManagementTool } from './define-tool.ts';
import { PROPOSES_CHANGE, WRITE_WORKFLOW } from './write-workflow.ts';

export const rollbackTool = defineManagementTool({
  name: 'mcpbox_rollback_tool',
  title: 'Propose rolling a tool back',
  description: `Open a pull request (branch "mcpbox/rollback/<server>__<tool>__<commit>") that restores a tool's files as they were at an older version. version is a commit from mcpbox_list_tool_versions. The live tool does not change until a person merges it; rolling back to what main already has is refused. ${WRITE_WORKFLOW}`,
  input: z.object({ tool_id: ToolId, version: CommitId }),
  output: RequestOutcomeOutput.extend({ restored_commit: z.string() }),
  annotations: { ...PROPOSES_CHANGE, title: 'Propose rolling a tool back' },
  async handler({ tool_id, version }, { changes }) {
    const { server, tool } = splitToolId(tool_id);
    const outcome = await changes.requests.rollback(server, tool, version);
    return { ...outcomeOutput(outcome), restored_commit: outcome.restored_commit };
  },
});
