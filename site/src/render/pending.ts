// Pending requests: the open pull requests, grouped by kind, each with what it asks for.
import type { SiteData, SitePull } from '../model.ts';
import { attr, commitLink, pullLink, text, time, type RenderContext } from './html.ts';

const ASK_SHOWN = 4000;

export function renderPending(data: SiteData, ctx: RenderContext): string {
  const parts: string[] = ['<h1>Pending requests</h1>'];
  if (data.pulls.length === 0) {
    parts.push('<p>No open pull requests.</p>');
    return parts.join('\n');
  }
  const kinds = new Map<string, SitePull[]>();
  for (const p of data.pulls) kinds.set(p.kind, [...(kinds.get(p.kind) ?? []), p]);
  for (const [kind, pulls] of [...kinds].sort(([a], [b]) => a.localeCompare(b))) {
    parts.push(`<section aria-labelledby="kind-${attr(kind)}-h"><h2 id="kind-${attr(kind)}-h">${text(kind.replaceAll('_', ' '))} <span class="muted">(${pulls.length})</span></h2>`);
    for (const p of pulls) {
      const ask = p.ask.length > ASK_SHOWN ? p.ask.slice(0, ASK_SHOWN) + '…' : p.ask;
      parts.push(
        `<article class="card pull" id="pr-${p.number}" data-pull="${p.number}" aria-labelledby="pr-${p.number}-h">` +
          `<h3 id="pr-${p.number}-h">${pullLink(ctx, p.number)} ${text(p.title)}</h3>` +
          `<p class="muted">branch <code>${text(p.branch)}</code> · head ${commitLink(ctx, p.head)} · by ${text(p.author)} · ${time(p.createdAt)}</p>` +
          (ask ? `<div class="ask">${text(ask)}</div>` : '') +
          '</article>',
      );
    }
    parts.push('</section>');
  }
  return parts.join('\n');
}
