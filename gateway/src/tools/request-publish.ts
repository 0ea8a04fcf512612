import * as z from 'zod';
import { Notes, RequestOutcomeOutput, ServerId, ToolId, outcomeOutput } from '../services/changes/index.ts';
import { splitToolId } from '../services/tool-ids.ts';
import { defineManagementTool } from './define-tool.ts';
import { ToolError } from './tool-error.ts';
import { PROPOSES_CHANGE, WRITE_WORKFLOW } from './write-workflow.ts';

export const requestPublish = defineManagementTool({
  name: 'mcpbox_request_publish',
  title: 'Request publishing (open the pull request)',
  description: `Open the pull request for a server's draft branch "mcpbox/draft/<server>": everything drafted for that server (new server, new and changed tools) is reviewed together. Pass tool_id or server_id. The draft is validated first (the same check CI runs); the pull request body carries each tool's code, derived input schema, last mcpbox_test_code result and every ask (modules not yet allowed, new secret names, network grants). A person then merges or closes it; follow it with mcpbox_get_tool_status. If a pull request is already open for the draft, it is returned (new commits join it). ${WRITE_WORKFLOW}`,
  input: z.object({
    tool_id: ToolId.optional(),
    server_id: ServerId.optional(),
    notes: Notes.optional().describe('Anything the reviewer should know: what the tool is for, how it was tested'),
  }),
  output: RequestOutcomeOutput.extend({ tools: z.array(z.string()) }),
  annotations: { ...PROPOSES_CHANGE, title: 'Request publishing' },
  async handler({ tool_id, server_id, notes }, { changes }) {
    const fromTool = tool_id === undefined ? undefined : splitToolId(tool_id).server;
    if (fromTool !== undefined && server_id !== undefined && fromTool !== server_id) {
      throw new ToolError('invalid_input', `tool_id "${tool_id}" belongs to server "${fromTool}", not "${server_id}"; pass one of them.`);
    }
    const server = fromTool ?? server_id;
    if (server === undefined) throw new ToolError('invalid_input', 'Pass tool_id (e.g. "uptime__claude_status") or server_id (e.g. "uptime") to say which draft to publish.');
    const outcome = await changes.requests.publish(server, notes);
    return { ...outcomeOutput(outcome), tools: outcome.tools };
  },
});
