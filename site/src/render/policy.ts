// Policy as main has it: the modules tools may import and the network each server may reach, each
// grant with the reason it was given.
import type { SiteData } from '../model.ts';
import { table, text, type RenderContext } from './html.ts';

export function renderPolicy(data: SiteData, _ctx: RenderContext): string {
  const p = data.policy;
  const parts: string[] = ['<h1>Policy</h1>'];
  parts.push('<section class="card" aria-labelledby="modules-h"><h2 id="modules-h">Allowed modules</h2>');
  if (p.modules.length === 0) parts.push('<p>No modules granted beyond the built-in safe set.</p>');
  else parts.push(table('Modules granted in policy/modules.yaml', ['Module', 'Reason'], p.modules.map((m) => [`<code>${text(m.name)}</code>`, text(m.reason)])));
  parts.push(`<details><summary>Built-in safe set (${p.builtinModules.length} modules)</summary><p class="module-list">${p.builtinModules.map((m) => `<code>${text(m)}</code>`).join(' ')}</p></details>`);
  parts.push('</section>');
  parts.push('<section class="card" aria-labelledby="network-h"><h2 id="network-h">Network grants</h2>');
  if (p.grants.length === 0) parts.push('<p>No server may reach the network.</p>');
  else parts.push(table('Grants in policy/network.yaml', ['Server', 'Host', 'Port', 'Reason'], p.grants.map((g) => [text(g.server), `<code>${text(g.host)}</code>`, g.port === null ? '443, 80' : String(g.port), text(g.reason)])));
  parts.push('</section>');
  return parts.join('\n');
}
