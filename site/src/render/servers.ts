// Servers: each server of main with its tools (and their state), secrets by name and sources.
import type { SiteData } from '../model.ts';
import { attr, stateBadge, text, toolHref, type RenderContext } from './html.ts';

export function renderServers(data: SiteData, ctx: RenderContext): string {
  const parts: string[] = ['<h1>Servers</h1>'];
  if (data.servers.length === 0) parts.push('<p>No servers on main.</p>');
  const byId = new Map(data.tools.map((t) => [t.id, t]));
  for (const s of data.servers) {
    parts.push(`<section class="card" id="server-${attr(s.name)}" aria-labelledby="server-${attr(s.name)}-h"><h2 id="server-${attr(s.name)}-h">${text(s.name)}${s.enabled ? '' : ' <span class="badge badge-disabled">Disabled</span>'}</h2>`);
    if (s.description) parts.push(`<p>${text(s.description)}</p>`);
    parts.push('<h3>Tools</h3>');
    if (s.tools.length === 0) parts.push('<p>No tools.</p>');
    else {
      parts.push('<ul class="tools">');
      for (const id of s.tools) {
        const t = byId.get(id);
        if (!t) continue;
        parts.push(`<li><a href="${attr(toolHref(ctx, id))}">${text(t.name)}</a> ${stateBadge(t.state)} <span class="muted">${text(t.description.split('\n', 1)[0] ?? '')}</span></li>`);
      }
      parts.push('</ul>');
    }
    if (s.secrets.length > 0) parts.push(`<h3>Secrets</h3><ul>${s.secrets.map((x) => `<li><code>${text(x.name)}</code> ${text(x.description)}</li>`).join('')}</ul>`);
    if (s.sources.length > 0) parts.push(`<h3>Sources</h3><ul>${s.sources.map((x) => `<li>${text(x.name)}: <code>${text(x.url)}</code></li>`).join('')}</ul>`);
    parts.push('</section>');
  }
  return parts.join('\n');
}
