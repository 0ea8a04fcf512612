// The page script: fetch data.json (composed fresh by the gateway after every applied revision),
// render this page with the same renderers the build used, and poll so an open page follows the
// reconciler. No framework, no network beyond this site's own origin.
import type { SiteData, SiteTool } from '../model.ts';
import { renderPage, type PageName } from '../render/index.ts';

const POLL_MS = 5000;
const body = document.body;
const page = body.dataset['page'] as PageName;
const base = body.dataset['base'] ?? '/';
const content = document.getElementById('content');
const freshness = document.getElementById('freshness');
const toolId = page === 'tool' ? new URLSearchParams(location.search).get('id') : null;
let lastText = '';
let firstRender = true;

async function refresh(): Promise<void> {
  if (!content) return;
  try {
    // The tool page also reads its tool's details; data.json carries only a summary of each tool.
    const [raw, toolRaw] = await Promise.all([fetchText('data.json'), toolId === null ? Promise.resolve('null') : fetchText(`tools/${encodeURIComponent(toolId)}.json`, true)]);
    if (raw + toolRaw !== lastText) {
      lastText = raw + toolRaw;
      const data = JSON.parse(raw) as SiteData;
      const tool = JSON.parse(toolRaw) as SiteTool | null;
      const focused = focusKey();
      content.innerHTML = renderPage(page, data, { base, links: data.links }, { toolId, tools: tool ? [tool] : [] });
      restoreFocus(focused);
      content.dataset['loaded'] = 'true';
      content.dataset['revision'] = data.overview.live?.revision ?? '';
      if (firstRender && location.hash) document.getElementById(decodeURIComponent(location.hash.slice(1)))?.scrollIntoView();
      firstRender = false;
    }
    if (freshness) freshness.textContent = `Live data, checked ${new Date().toISOString().slice(11, 19)} UTC; refreshes every ${POLL_MS / 1000} s.`;
  } catch (err) {
    if (freshness) freshness.textContent = `Could not load fresh data (${err instanceof Error ? err.message : String(err)}); showing what was last loaded.`;
  }
}

/** The text of a file of this site; a 404 reads as null when `missingIsNull` (an unknown tool). */
async function fetchText(path: string, missingIsNull = false): Promise<string> {
  const response = await fetch(`${base}${path}`, { cache: 'no-store', headers: { accept: 'application/json' } });
  if (missingIsNull && response.status === 404) return 'null';
  if (!response.ok) throw new Error(`${path} answered HTTP ${response.status}`);
  return response.text();
}

// A re-render replaces the content; a keyboard user keeps their place on the same link or control.
function focusKey(): string | null {
  const active = document.activeElement;
  if (!active || !content?.contains(active)) return null;
  return active.getAttribute('href') ?? (active.id ? `#${active.id}` : null);
}

function restoreFocus(key: string | null): void {
  if (!key || !content) return;
  const target = key.startsWith('#') ? document.getElementById(key.slice(1)) : content.querySelector(`[href="${CSS.escape(key)}"]`);
  if (target instanceof HTMLElement) target.focus();
}

void refresh();
setInterval(() => {
  if (document.visibilityState === 'visible') void refresh();
}, POLL_MS);
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible') void refresh();
});
