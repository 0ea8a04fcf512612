// Build-time data for the no-script fallback: `public/data.json` when the build was given one (the
// template's Pages job composes it from the checkout; MCPBOX_SITE_DATA names another file),
// otherwise a note that the page needs data.
// Read from the working directory: Astro bundles pages elsewhere, so import.meta.url would lie.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SiteData } from './model.ts';
import { renderPage, type PageName } from './render/index.ts';
import { text } from './render/html.ts';

function buildTimeData(): SiteData | null {
  const file = process.env['MCPBOX_SITE_DATA'] ?? join(process.cwd(), 'public', 'data.json');
  if (!existsSync(file)) return null;
  return JSON.parse(readFileSync(file, 'utf8')) as SiteData;
}

export function fallbackFor(page: PageName, title: string, base: string): string {
  const data = buildTimeData();
  if (data) return renderPage(page, data, { base, links: data.links });
  return `<h1>${text(title)}</h1><p class="loading">Loading the current status…</p><noscript><p>This page shows the gateway's live status with JavaScript. Without it, read the raw data: <a href="${base}data.json">data.json</a> and <a href="${base}status.json">status.json</a>.</p></noscript>`;
}
