// Page renderers: pure functions from data.json to HTML, run by Astro at build time (the no-script
// fallback) and by the page script in the browser (fresh data).
import type { SiteData } from '../model.ts';
import type { RenderContext } from './html.ts';
import { renderOverview } from './overview.ts';
import { renderPending } from './pending.ts';
import { renderPolicy } from './policy.ts';
import { renderServers } from './servers.ts';
import { renderToolPage } from './tool.ts';

export type PageName = 'overview' | 'servers' | 'tool' | 'pending' | 'policy';
export type { RenderContext } from './html.ts';

export function renderPage(page: PageName, data: SiteData, ctx: RenderContext, toolId: string | null = null): string {
  switch (page) {
    case 'overview':
      return renderOverview(data, ctx);
    case 'servers':
      return renderServers(data, ctx);
    case 'tool':
      return renderToolPage(data, ctx, toolId);
    case 'pending':
      return renderPending(data, ctx);
    case 'policy':
      return renderPolicy(data, ctx);
  }
}
