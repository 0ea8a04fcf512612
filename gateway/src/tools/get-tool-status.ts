import * as z from 'zod';
import { PullSummaryOutput, ToolId } from '../services/changes/index.ts';
import { splitToolId } from '../services/tool-ids.ts';
import { defineManagementTool, READ_ONLY } from './define-tool.ts';
import { WRITE_WORKFLOW } from './write-workflow.ts';

export const getToolStatus = defineManagementTool({
  name: 'mcpbox_get_tool_status',
  title: 'Get a tool\'s status',
  description: `Where a tool is in its life, derived from git (nothing is stored separately): "draft" (its draft branch changes it, no pull request open), "pending_review" (pull request open), "rejected" (closed unmerged; rejection_reason is the reviewer's comment), "approved" (merged into main, not yet served) or "live". Also the versions (git blob ids) in the draft, on main and live — draft_version is what to pass as expected_version to mcpbox_update_tool — the pull request with its URL, other open requests for this tool's server, and the next step. ${WRITE_WORKFLOW}`,
  input: z.object({ tool_id: ToolId }),
  output: z.object({
    tool_id: z.string(),
    status: z.enum(['draft', 'pending_review', 'rejected', 'approved', 'live']),
    on_main: z.boolean(),
    live: z.boolean(),
    draft_branch: z.string().nullable(),
    draft_version: z.string().nullable(),
    main_version: z.string().nullable(),
    live_version: z.string().nullable(),
    pull_request: PullSummaryOutput.nullable(),
    rejection_reason: z.string().nullable(),
    other_requests: z.array(PullSummaryOutput),
    next_step: z.string(),
  }),
  annotations: { ...READ_ONLY, title: 'Get a tool\'s status' },
  async handler({ tool_id }, { changes }) {
    const { server, tool } = splitToolId(tool_id);
    return changes.status.toolStatus(server, tool);
  },
});
