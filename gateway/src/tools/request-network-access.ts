import * as z from 'zod';
import { HostInput, Justification, PortInput, RequestOutcomeOutput, ServerId, ToolId, outcomeOutput } from '../services/changes/index.ts';
import { splitToolId } from '../services/tool-ids.ts';
import { defineManagementTool } from './define-tool.ts';
import { ToolError } from './tool-error.ts';
import { PROPOSES_CHANGE, WRITE_WORKFLOW } from './write-workflow.ts';

export const requestNetworkAccess = defineManagementTool({
  name: 'mcpbox_request_network_access',
  title: 'Request network access',
  description: `Ask for a server's tools to reach a host through \`http\`: opens a pull request (branch "mcpbox/network/<server>__<host>__<port>") adding a grant with your justification to policy/network.yaml. Grants are per server (pass server_id, or tool_id to use its server) and take effect when a person merges. A host already granted, or already requested in an open pull request, is answered as such. For a server that is still a draft, the grant is added to its draft instead and reviewed with it. Omit port for 443/80. Private and loopback addresses stay blocked unless granted exactly. ${WRITE_WORKFLOW}`,
  input: z.object({ host: HostInput, port: PortInput.optional(), justification: Justification, server_id: ServerId.optional(), tool_id: ToolId.optional() }),
  output: RequestOutcomeOutput,
  annotations: { ...PROPOSES_CHANGE, title: 'Request network access' },
  async handler({ host, port, justification, server_id, tool_id }, { changes }) {
    const fromTool = tool_id === undefined ? undefined : splitToolId(tool_id).server;
    if (fromTool !== undefined && server_id !== undefined && fromTool !== server_id) {
      throw new ToolError('invalid_input', `tool_id "${tool_id}" belongs to server "${fromTool}", not "${server_id}"; pass one of them.`);
    }
    const server = fromTool ?? server_id;
    if (server === undefined) throw new ToolError('invalid_input', 'Pass server_id (grants are per server) or tool_id.');
    return outcomeOutput(await changes.requests.requestNetwork(server, host, port, justification, tool_id));
  },
});
