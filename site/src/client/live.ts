// The page script: fetch data.json (composed fresh by the gateway after every applied revision),
// render this page with the same renderers the build used, and poll so an open page follows the
// reconciler. No framework, no network beyond this site's own origin.
import type { SiteData } from '../model.ts';
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
    const response = await fetch(`${base}data.json`, { cache: 'no-store', headers: { accept: 'application/json' } });
    if (!response.ok) throw new Error(`data.json answered HTTP ${response.status}`);
    const raw = await response.text();
    if (raw !== lastText) {
      lastText = raw;
      const data = JSON.parse(raw) as SiteData;
      content.innerHTML = renderPage(page, data, { base, links: data.links }, toolId);
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

void refresh();
setInterval(() => {
  if (document.visibilityState === 'visible') void refresh();
}, POLL_MS);
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible') void refresh();
});
