// Build-time data for the no-script fallback: `public/data.json` when the build was given one (the
// template's Pages job composes it from the checkout; MCPBOX_SITE_DATA names another file),
// otherwise a note that the page needs data.
// Read from the working directory: Astro bundles pages elsewhere, so import.meta.url would lie.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { SiteData, SiteTool } from './model.ts';
import { renderPage, type PageName } from './render/index.ts';
import { text } from './render/html.ts';

function buildTimeData(): { data: SiteData; tools: SiteTool[] } | null {
  const file = process.env['MCPBOX_SITE_DATA'] ?? join(process.cwd(), 'public', 'data.json');
  if (!existsSync(file)) return null;
  // Each tool's details sit next to data.json in tools/<id>.json, as the gateway serves them.
  const toolsDir = join(dirname(file), 'tools');
  const tools = existsSync(toolsDir)
    ? readdirSync(toolsDir)
        .filter((f) => f.endsWith('.json'))
        .sort()
        .map((f) => JSON.parse(readFileSync(join(toolsDir, f), 'utf8')) as SiteTool)
    : [];
  return { data: JSON.parse(readFileSync(file, 'utf8')) as SiteData, tools };
}

export function fallbackFor(page: PageName, title: string, base: string): string {
  const built = buildTimeData();
  if (built) return renderPage(page, built.data, { base, links: built.data.links }, { toolId: null, tools: built.tools });
  return `<h1>${text(title)}</h1><p class="loading">Loading the current status…</p><noscript><p>This page shows the gateway's live status with JavaScript. Without it, read the raw data: <a href="${base}data.json">data.json</a> and <a href="${base}status.json">status.json</a>.</p></noscript>`;
}
