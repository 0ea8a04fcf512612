import * as z from 'zod';
import { ServerId, ToolDescription } from '../services/changes/index.ts';
import { defineManagementTool } from './define-tool.ts';
import { PROPOSES_CHANGE, WRITE_WORKFLOW } from './write-workflow.ts';

export const createServer = defineManagementTool({
  name: 'mcpbox_create_server',
  title: 'Create a server (draft)',
  description: `Create a new MCP server (a group of related Python tools and one sandbox trust domain) as a draft: commits servers/<name>/server.yaml to the branch "mcpbox/draft/<name>". It is not live until its pull request is merged: next add tools with mcpbox_create_tool, test them, then mcpbox_request_publish. Names must be unique; an existing name is refused. ${WRITE_WORKFLOW}`,
  input: z.object({
    name: ServerId,
    description: ToolDescription.min(1, 'describe what the server is for in a sentence').describe('What the server is for, e.g. "Checks whether web services are up"'),
  }),
  output: z.object({ success: z.boolean(), id: z.string(), name: z.string(), branch: z.string(), commit: z.string().nullable(), status: z.literal('draft'), message: z.string() }),
  annotations: { ...PROPOSES_CHANGE, title: 'Create a server (draft)' },
  async handler({ name, description }, { changes }) {
    const result = await changes.drafts.createServer(name, description);
    return {
      success: true,
      id: name,
      name,
      branch: result.branch,
      commit: result.commit,
      status: 'draft' as const,
      message: `Server "${name}" is drafted on ${result.branch}. Add tools with mcpbox_create_tool (server_id "${name}"), test them with mcpbox_test_code, then call mcpbox_request_publish.`,
    };
  },
});
