import * as z from 'zod';
import { Justification, RequestOutcomeOutput, ToolId, outcomeOutput } from '../services/changes/index.ts';
import { splitToolId } from '../services/tool-ids.ts';
import { defineManagementTool } from './define-tool.ts';
import { PROPOSES_CHANGE, WRITE_WORKFLOW } from './write-workflow.ts';

export const deleteTool = defineManagementTool({
  name: 'mcpbox_delete_tool',
  title: 'Delete a tool',
  description: `Delete a tool. A tool that is on main is removed by a pull request (branch "mcpbox/remove/<server>__<tool>"): it stays live until a person merges it. A tool that exists only in a draft is simply dropped from the draft branch (outcome "draft", no pull request). ${WRITE_WORKFLOW}`,
  input: z.object({ tool_id: ToolId, reason: Justification.describe('Why the tool should go, for the reviewer') }),
  output: RequestOutcomeOutput,
  annotations: { ...PROPOSES_CHANGE, destructiveHint: true, title: 'Delete a tool' },
  async handler({ tool_id, reason }, { changes }) {
    const { server, tool } = splitToolId(tool_id);
    const dropped = await changes.drafts.dropDraftTool(server, tool);
    if (dropped !== undefined) {
      return outcomeOutput({ outcome: 'draft', number: null, url: null, branch: dropped.branch, title: `tool(${server}): drop draft ${tool}`, message: `"${tool_id}" existed only in the draft on ${dropped.branch}; it was removed from the draft. Nothing on main changed.` });
    }
    return outcomeOutput(await changes.requests.deleteTool(server, tool, reason));
  },
});
