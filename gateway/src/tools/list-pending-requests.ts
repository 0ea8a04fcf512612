import * as z from 'zod';
import { PullSummaryOutput } from '../services/changes/index.ts';
import { defineManagementTool, READ_ONLY } from './define-tool.ts';
import { WRITE_WORKFLOW } from './write-workflow.ts';

export const listPendingRequests = defineManagementTool({
  name: 'mcpbox_list_pending_requests',
  title: 'List pending requests',
  description: `List the open pull requests waiting for a person's review, grouped by kind: tools (published drafts), modules, network grants, secrets, deletions and rollbacks, each with its number, title, branch and URL. ${WRITE_WORKFLOW}`,
  input: z.object({}),
  output: z.object({
    pending_tools: z.array(PullSummaryOutput),
    pending_module_requests: z.array(PullSummaryOutput),
    pending_network_requests: z.array(PullSummaryOutput),
    pending_secret_requests: z.array(PullSummaryOutput),
    pending_deletions: z.array(PullSummaryOutput),
    pending_rollbacks: z.array(PullSummaryOutput),
    other: z.array(PullSummaryOutput),
    summary: z.object({ tools: z.number().int(), modules: z.number().int(), network: z.number().int(), secrets: z.number().int(), deletions: z.number().int(), rollbacks: z.number().int(), total: z.number().int() }),
  }),
  annotations: { ...READ_ONLY, title: 'List pending requests' },
  async handler(_input, { changes }) {
    const open = await changes.status.pending();
    const of = (...kinds: string[]) => open.filter((p) => kinds.includes(p.kind));
    const known = ['tools', 'module', 'network', 'secret', 'delete_server', 'delete_tool', 'rollback'];
    const groups = {
      pending_tools: of('tools'),
      pending_module_requests: of('module'),
      pending_network_requests: of('network'),
      pending_secret_requests: of('secret'),
      pending_deletions: of('delete_server', 'delete_tool'),
      pending_rollbacks: of('rollback'),
      other: open.filter((p) => !known.includes(p.kind)),
    };
    return {
      ...groups,
      summary: {
        tools: groups.pending_tools.length,
        modules: groups.pending_module_requests.length,
        network: groups.pending_network_requests.length,
        secrets: groups.pending_secret_requests.length,
        deletions: groups.pending_deletions.length,
        rollbacks: groups.pending_rollbacks.length,
        total: open.length,
      },
    };
  },
});
