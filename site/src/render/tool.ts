// One tool: state and why, errors, its input as a form-like table, the code (highlighted on the
// server), calls from the execution log, and its versions with commit and PR links.
import type { SiteData, SiteTool } from '../model.ts';
import { describeHiddenCharacters, findHiddenCharacters } from '@mcpbox/core/display-text';
import { attr, commitLink, firstLine, flagHiddenCharacters, pullLink, stateBadge, table, text, time, toolHref, type RenderContext } from './html.ts';

/**
 * The page for `id` (its details fetched from tools/<id>.json), or every tool given when no id is
 * (the no-JavaScript fallback of a build with data, reached through anchors).
 */
export function renderToolPage(data: SiteData, ctx: RenderContext, id: string | null, tools: readonly SiteTool[]): string {
  if (id !== null) {
    const tool = tools.find((t) => t.id === id);
    if (!tool) return `<h1>Tool not found</h1><p>No tool <code>${text(id)}</code> on main. See the <a href="${attr(ctx.base)}servers/">servers</a> for the tools there are.</p>`;
    return renderTool(tool, ctx, 'h1');
  }
  if (data.tools.length === 0) return '<h1>Tools</h1><p>No tools on main.</p>';
  if (tools.length === 0)
    return `<h1>Tools</h1><ul class="tools">${data.tools.map((t) => `<li><a href="${attr(toolHref(ctx, t.id))}">${text(t.id)}</a> ${stateBadge(t.state)}</li>`).join('')}</ul>`;
  return '<h1>Tools</h1>\n' + tools.map((t) => renderTool(t, ctx, 'h2')).join('\n');
}

function renderTool(tool: SiteTool, ctx: RenderContext, heading: 'h1' | 'h2'): string {
  const sub = heading === 'h1' ? 'h2' : 'h3';
  const anchor = `tool-${tool.id}`;
  const parts: string[] = [`<article id="${attr(anchor)}" class="tool" data-tool="${attr(tool.id)}" aria-labelledby="${attr(anchor)}-h">`];
  parts.push(`<${heading} id="${attr(anchor)}-h">${text(tool.name)} <span class="muted">in ${text(tool.server)}</span></${heading}>`);
  parts.push(`<p class="state">${stateBadge(tool.state)} ${text(tool.stateReason)}</p>`);
  parts.push(`<p class="description">${text(tool.description || 'No description.')}</p>`);
  parts.push(`<p class="muted">MCP name <code>${text(tool.id)}</code> · file <code>${text(tool.codePath)}</code>${tool.timeoutMs ? ` · timeout ${tool.timeoutMs} ms` : ''}</p>`);

  if (tool.errors.length > 0) {
    parts.push(`<section class="card errors-card" aria-label="Errors"><${sub}>Errors</${sub}><ul class="errors" data-testid="tool-errors">`);
    for (const e of tool.errors) parts.push(`<li><code>${text(e.file)}${e.line ? `:${e.line}` : ''}${e.col ? `:${e.col}` : ''}</code> ${text(e.message)}</li>`);
    parts.push('</ul></section>');
  }

  parts.push(`<section class="card" aria-label="Input"><${sub}>Input</${sub}>`);
  if (tool.params === null) parts.push('<p>The input schema appears once the sandbox has analysed a live version of this tool.</p>');
  else if (tool.params.length === 0) parts.push('<p>No parameters.</p>');
  else
    parts.push(
      table(
        `Parameters of ${tool.id}`,
        ['Name', 'Type', 'Required', 'Default', 'Description'],
        tool.params.map((p) => [`<code>${text(p.name)}</code>`, `<code>${text(p.type)}</code>`, p.required ? 'required' : 'optional', p.default === undefined ? '—' : `<code>${text(p.default)}</code>`, text(p.description)]),
      ),
    );
  parts.push('</section>');

  parts.push(`<section class="card" aria-label="Calls"><${sub}>Calls</${sub}>`);
  if (!tool.calls || tool.calls.total === 0) parts.push('<p data-testid="no-calls">No calls recorded.</p>');
  else {
    const c = tool.calls;
    const rate = c.total ? ((100 * c.errors) / c.total).toFixed(1) : '0.0';
    parts.push(`<dl class="facts" data-testid="calls"><dt>Calls</dt><dd>${c.total}${c.capped ? ' (the newest; older ones not counted)' : ''}</dd><dt>Errors</dt><dd>${c.errors} (${rate}%)</dd><dt>Median duration</dt><dd>${c.medianMs === null ? '—' : `${Math.round(c.medianMs)} ms`}</dd></dl>`);
    if (c.lastErrors.length > 0) parts.push(`<${sub === 'h2' ? 'h3' : 'h4'}>Last errors</${sub === 'h2' ? 'h3' : 'h4'}><ul class="errors">${c.lastErrors.map((e) => `<li>${time(e.at)} ${text(e.message)}</li>`).join('')}</ul>`);
  }
  parts.push('</section>');

  parts.push(`<section class="card" aria-label="Code"><${sub}>Code</${sub}>`);
  const hidden = describeHiddenCharacters(tool.codePath, findHiddenCharacters(tool.code));
  if (hidden.length > 0) {
    parts.push(`<div class="warning hidden-chars" role="alert"><strong>Invisible or bidirectional characters in this code</strong> — they are marked in the code below:<ul>${hidden.map((h) => `<li><code>${text(h)}</code></li>`).join('')}</ul></div>`);
  }
  parts.push(tool.codeHtml === null || tool.codeHtml === undefined ? `<pre class="code"><code>${text(tool.code)}</code></pre>` : flagHiddenCharacters(tool.codeHtml));
  parts.push('</section>');

  parts.push(`<section class="card" aria-label="Versions"><${sub}>Versions</${sub}>`);
  if (tool.versions.length === 0) parts.push('<p>No versions on main yet.</p>');
  else
    parts.push(
      table(
        `Versions of ${tool.id}, newest first`,
        ['Commit', 'Date', 'Author', 'Message', 'Pull request'],
        tool.versions.map((v) => [commitLink(ctx, v.commit), time(v.date), text(v.author), text(firstLine(v.message)), pullLink(ctx, v.pull)]),
      ),
    );
  parts.push('</section></article>');
  return parts.join('\n');
}
