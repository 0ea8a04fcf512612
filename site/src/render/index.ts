// Page renderers: pure functions from data.json to HTML, run by Astro at build time (the no-script
// fallback) and by the page script in the browser (fresh data).
import type { SiteData, SiteTool } from '../model.ts';
import type { RenderContext } from './html.ts';
import { renderOverview } from './overview.ts';
import { renderPending } from './pending.ts';
import { renderPolicy } from './policy.ts';
import { renderServers } from './servers.ts';
import { renderToolPage } from './tool.ts';

export type PageName = 'overview' | 'servers' | 'tool' | 'pending' | 'policy';
export type { RenderContext } from './html.ts';

/** What the tool page needs beyond data.json: which tool, and its details (tools/<id>.json). */
export interface ToolPageInput {
  toolId: string | null;
  tools: readonly SiteTool[];
}

export function renderPage(page: PageName, data: SiteData, ctx: RenderContext, toolPage: ToolPageInput = { toolId: null, tools: [] }): string {
  switch (page) {
    case 'overview':
      return renderOverview(data, ctx);
    case 'servers':
      return renderServers(data, ctx);
    case 'tool':
      return renderToolPage(data, ctx, toolPage.toolId, toolPage.tools);
    case 'pending':
      return renderPending(data, ctx);
    case 'policy':
      return renderPolicy(data, ctx);
  }
}
