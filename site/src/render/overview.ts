// The overview: what runs (the live revision), whether the reconciler is Ready, Reconciling or
// Stalled and why, the errors of the last failed attempt, and the last reconciles.
import type { SiteData } from '../model.ts';
import { commitLink, phaseBadge, pullLink, table, text, time, toolHref, stateBadge, type RenderContext } from './html.ts';

export function renderOverview(data: SiteData, ctx: RenderContext): string {
  const o = data.overview;
  const parts: string[] = ['<h1>Overview</h1>'];

  parts.push(`<section aria-labelledby="state-h" class="card" id="state"><h2 id="state-h">Reconciler ${phaseBadge(o.phase)}</h2>`);
  parts.push(`<p><strong>${text(o.reason || o.phase)}</strong>${o.message ? ` — ${text(o.message)}` : ''}</p>`);
  if (o.source === 'build') parts.push('<p class="note">Built from a checkout: no reconciler ran here, so the state is what validation of this revision says.</p>');
  parts.push('</section>');

  parts.push('<section aria-labelledby="live-h" class="card" id="live"><h2 id="live-h">Live revision</h2>');
  if (o.live) {
    parts.push(
      `<dl class="facts"><dt>Commit</dt><dd data-testid="live-revision">${commitLink(ctx, o.live.revision)}</dd>` +
        `<dt>Subject</dt><dd>${text(o.live.subject)}</dd>` +
        `<dt>Pull request</dt><dd>${pullLink(ctx, o.live.pull)}</dd>` +
        `<dt>Applied</dt><dd>${time(o.live.appliedAt)}</dd>` +
        `<dt>Tools serving</dt><dd>${o.live.tools}</dd></dl>`,
    );
  } else {
    parts.push('<p>No revision is live yet.</p>');
  }
  if (o.main && o.main.revision !== o.live?.revision) {
    parts.push(`<p class="warn">main is at ${commitLink(ctx, o.main.revision)} (${text(o.main.subject)}), which is not live.</p>`);
  }
  parts.push('</section>');

  if (o.errors.length > 0) {
    parts.push('<section aria-labelledby="errors-h" class="card" id="errors"><h2 id="errors-h">Errors of the last attempt</h2><ul class="errors">');
    for (const e of o.errors) parts.push(`<li><code>${text(e.file)}${e.line ? `:${e.line}` : ''}${e.col ? `:${e.col}` : ''}</code> ${text(e.message)}</li>`);
    parts.push('</ul></section>');
  }

  const failing = data.tools.filter((t) => t.state === 'failing');
  parts.push('<section aria-labelledby="glance-h" class="card"><h2 id="glance-h">At a glance</h2><ul class="glance">');
  parts.push(`<li>${data.tools.filter((t) => t.state === 'live').length} live tools in ${data.servers.length} servers</li>`);
  parts.push(`<li>${failing.length} failing${failing.length ? ': ' + failing.map((t) => `<a href="${text(toolHref(ctx, t.id))}">${text(t.id)}</a> ${stateBadge(t.state)}`).join(', ') : ''}</li>`);
  parts.push(`<li><a href="${text(ctx.base)}pending/">${data.pulls.length} open pull request${data.pulls.length === 1 ? '' : 's'}</a></li>`);
  parts.push('</ul></section>');

  parts.push('<section aria-labelledby="history-h" class="card"><h2 id="history-h">Last reconciles</h2>');
  if (o.reconciles.length === 0) parts.push('<p>No reconcile recorded.</p>');
  else
    parts.push(
      table(
        'Last reconciles, newest first',
        ['When', 'Revision', 'Result', 'Duration', 'Message'],
        o.reconciles.map((r) => [time(r.at), commitLink(ctx, r.revision), `<span class="result result-${text(r.result)}">${text(r.result)}</span>`, `${Math.round(r.durationMs)} ms`, text(r.message ?? '')]),
      ),
    );
  parts.push('</section>');
  return parts.join('\n');
}
