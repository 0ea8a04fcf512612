// Small building blocks shared by the page renderers. Everything that came from data goes through
// `text` or `attr`: tool code, PR bodies and error messages are written by an LLM and must never
// become markup. Both also neutralise what a browser would not show: control characters become
// visible escapes, and `text` marks every invisible or bidi character (Trojan Source) with its name.
import { markHiddenCharacters, visibleText } from '@mcpbox/core/display-text';
import type { SiteLinks, ToolState } from '../model.ts';

function escapeHtml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

export function text(value: unknown): string {
  return flagHiddenCharacters(escapeHtml(visibleText(String(value ?? ''), { newlines: true, tabs: true, hidden: false })));
}

/** Inside an attribute no markup may appear: hidden characters become plain `<U+XXXX>` text there. */
export function attr(value: unknown): string {
  return escapeHtml(visibleText(String(value ?? '')));
}

// Bidi and invisible characters cannot be escaped away by HTML; each is replaced by a visible mark
// that names it. Runs on escaped HTML: the marks are the only markup it adds.
/** Escaped HTML with each invisible or bidi character replaced by a `<mark class="hidden-char">` naming it. */
export function flagHiddenCharacters(html: string): string {
  return markHiddenCharacters(html, (c) => `<mark class="hidden-char" data-kind="${c.kind}" title="${escapeHtml(c.name)}">&lt;${c.name.split(' ')[0] ?? ''}&gt;</mark>`);
}

/** Where the site lives (e.g. "/status/"), so links work under the gateway and on Pages alike. */
export interface RenderContext {
  base: string;
  links: SiteLinks;
}

function shortSha(sha: string): string {
  return sha.slice(0, 10);
}

/** Times are printed in UTC so the build-time fallback and the live page read the same. */
export function time(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return text(iso);
  const shown = date.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
  return `<time datetime="${attr(date.toISOString())}">${shown}</time>`;
}

export function commitLink(ctx: RenderContext, sha: string | null | undefined): string {
  if (!sha) return '—';
  const code = `<code title="${attr(sha)}">${text(shortSha(sha))}</code>`;
  if (!ctx.links.commit) return code;
  return `<a href="${attr(ctx.links.commit.replaceAll('{sha}', sha))}">${code}</a>`;
}

/** A pull request: the forge's page when one is configured, else its entry on the pending page when open. */
export function pullLink(ctx: RenderContext, number: number | null | undefined, open = false): string {
  if (number === null || number === undefined) return '—';
  if (ctx.links.pull) return `<a href="${attr(ctx.links.pull.replaceAll('{number}', String(number)))}">#${number}</a>`;
  if (open) return `<a href="${attr(ctx.base)}pending/#pr-${number}">#${number}</a>`;
  return `#${number}`;
}

export function toolHref(ctx: RenderContext, id: string): string {
  return `${ctx.base}tool/?id=${encodeURIComponent(id)}#tool-${encodeURIComponent(id)}`;
}

const STATE_LABEL: Record<ToolState, string> = { live: 'Live', failing: 'Failing', pending: 'Pending', disabled: 'Disabled' };

export function stateBadge(state: ToolState): string {
  return `<span class="badge badge-${state}" data-state="${state}">${STATE_LABEL[state]}</span>`;
}

export function phaseBadge(phase: string): string {
  return `<span class="badge badge-phase-${attr(phase.toLowerCase())}" data-phase="${attr(phase)}">${text(phase)}</span>`;
}

/** A table that scrolls sideways on a phone instead of overflowing the page. */
export function table(caption: string, head: string[], rows: string[][]): string {
  const th = head.map((h) => `<th scope="col">${text(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('');
  return `<div class="table-wrap" tabindex="0" role="region" aria-label="${attr(caption)}"><table><caption>${text(caption)}</caption><thead><tr>${th}</tr></thead><tbody>${body}</tbody></table></div>`;
}

export function firstLine(message: string): string {
  return message.split('\n', 1)[0] ?? '';
}
