// A tool's status is derived, never stored: from its draft branch, that branch's pull
// requests, main and what the reconciler applied.
//   draft          the draft branch changes the tool and no pull request is open for it
//   pending_review a pull request carrying the change is open
//   rejected       the last pull request was closed unmerged and nothing changed since (reason = closing comment)
//   approved       on main, not yet served (the reconciler has not applied it, or it failed to load)
//   live           served by the gateway with main's code
import { toolCodePath, toolId, toolMetaPath, type PullRequest } from '@mcpbox/core';
import { ToolError } from '../../tools/tool-error.ts';
import { draftBranch } from './change-branches.ts';
import { pullUrl, type ChangeContext } from './change-context.ts';
import { translated } from './change-errors.ts';
import { toolFiles } from './draft-service.ts';

type ToolState = 'draft' | 'pending_review' | 'rejected' | 'approved' | 'live';

export interface PullSummary {
  number: number;
  title: string;
  kind: string;
  state: string;
  branch: string;
  url: string;
  created_at: string;
  updated_at: string;
}

export interface ToolStatus {
  tool_id: string;
  status: ToolState;
  on_main: boolean;
  live: boolean;
  draft_branch: string | null;
  draft_version: string | null;
  main_version: string | null;
  live_version: string | null;
  pull_request: PullSummary | null;
  rejection_reason: string | null;
  other_requests: PullSummary[];
  next_step: string;
}

function summarize(pr: PullRequest): PullSummary {
  return { number: pr.number, title: pr.title, kind: pr.kind, state: pr.state, branch: pr.branch, url: pullUrl(pr.number), created_at: pr.createdAt, updated_at: pr.updatedAt };
}

export class StatusService {
  private readonly ctx: ChangeContext;

  constructor(ctx: ChangeContext) {
    this.ctx = ctx;
  }

  async toolStatus(server: string, tool: string): Promise<ToolStatus> {
    return translated(async () => {
      const id = toolId(server, tool);
      const branch = draftBranch(server);
      const main = await this.ctx.writer.read('refs/heads/main');
      const mainCode = toolFiles(main, server, tool).code;
      const liveTool = this.ctx.registry.current()?.tools.get(id);
      const pulls = await this.ctx.forge.listPullRequests({ state: 'all' });
      const paths = new Set([toolCodePath(server, tool), toolMetaPath(server, tool)]);
      // Draft: the branch has commits not on main that touch this tool's files.
      let draftVersion: string | null = null;
      let draftTouches = false;
      if (await this.ctx.writer.hasChanges(branch)) {
        const head = (await this.ctx.writer.branchHead(branch))!;
        const changed = await this.ctx.writer.changesSinceMain(head);
        draftTouches = changed.some((c) => paths.has(c.path));
        if (draftTouches) draftVersion = toolFiles(await this.ctx.writer.read(head), server, tool).code?.blob ?? null;
      }
      const branchPulls = pulls.filter((p) => p.branch === branch).sort((a, b) => b.number - a.number);
      const others = pulls.filter((p) => p.state === 'open' && p.branch !== branch && (p.branch.includes(`/${id}`) || p.branch.endsWith(`/${server}`) || p.branch.startsWith(`mcpbox/network/${server}__`) || p.branch.startsWith(`mcpbox/secret/${server}__`)));
      const latest = branchPulls[0];
      let status: ToolState;
      let pr: PullRequest | undefined;
      let reason: string | null = null;
      if (draftTouches) {
        const head = await this.ctx.writer.branchHead(branch);
        if (latest?.state === 'open') {
          status = 'pending_review';
          pr = latest;
        } else if (latest?.state === 'closed' && latest.head === head) {
          status = 'rejected';
          pr = latest;
          reason = latest.closingReason ?? null;
        } else {
          status = 'draft';
          if (latest?.state === 'closed') {
            pr = latest;
            reason = latest.closingReason ?? null;
          }
        }
      } else if (mainCode !== undefined) {
        status = liveTool !== undefined && liveTool.codeBlob === mainCode.blob ? 'live' : 'approved';
        pr = branchPulls.find((p) => p.state === 'merged');
      } else {
        throw new ToolError('not_found', `There is no tool "${id}" on main or in the draft on ${branch}. Create it with mcpbox_create_tool.`);
      }
      return {
        tool_id: id,
        status,
        on_main: mainCode !== undefined,
        live: liveTool !== undefined,
        draft_branch: draftTouches ? branch : null,
        draft_version: draftVersion,
        main_version: mainCode?.blob ?? null,
        live_version: liveTool?.codeBlob ?? null,
        pull_request: pr === undefined ? null : summarize(pr),
        rejection_reason: reason,
        other_requests: others.map(summarize),
        next_step: nextStep(status, id, reason),
      };
    });
  }

  async pending(): Promise<PullSummary[]> {
    return translated(async () => (await this.ctx.forge.listPullRequests({ state: 'open' })).map(summarize).sort((a, b) => a.number - b.number));
  }
}

function nextStep(status: ToolState, id: string, reason: string | null): string {
  switch (status) {
    case 'draft':
      return `Test it with mcpbox_test_code, then call mcpbox_request_publish to open the pull request.${reason ? ` The previous pull request was rejected: "${reason}".` : ''}`;
    case 'pending_review':
      return 'Wait for a person to review and merge the pull request. Further updates join it.';
    case 'rejected':
      return `Address the reason, update the tool with mcpbox_update_tool and call mcpbox_request_publish again.`;
    case 'approved':
      return `Merged into main; it goes live once the gateway applies main (usually seconds). If it stays here, the admin can check \`mcpbox status\`.`;
    case 'live':
      return `Call ${id} directly.`;
  }
}
