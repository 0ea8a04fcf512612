// The body of a publish pull request: everything a reviewer needs without opening the branch —
// each tool's code, its derived input schema, its last test and what the change asks for. All of it
// but the headings was written by an LLM and is rendered by GitHub, Gitea or `mcpbox pr show`: control
// characters are made visible, invisible and bidi characters are flagged by file:line above the
// code, and code fences are longer than any backtick run in the code, so nothing can close them.
import { describeHiddenCharacters, findHiddenCharacters, parseToolId, toolCodePath, visibleText } from '@mcpbox/core';
import type { RecordedTest } from './code-service.ts';

export interface ToolSection {
  id: string;
  change: 'added' | 'modified' | 'deleted';
  code: string | null;
  schema: Record<string, unknown> | null;
  test: (RecordedTest & { current: boolean }) | null;
  asks: string[];
}

export interface PullBodyInput {
  server: string;
  newServer: boolean;
  notes: string | undefined;
  tools: ToolSection[];
  secrets: string[];
  grants: Array<{ host: string; port?: number; reason: string }>;
  relatedRequests: Array<{ number: number; title: string }>;
  files: string[];
  /** The head the body describes; a recorded test of another commit is marked stale. */
  head?: string;
}

const MAX_BODY = 190_000;

export function composePullBody(input: PullBodyInput): string {
  const out: string[] = [];
  out.push(`## ${input.newServer ? 'New server' : 'Changes to server'} \`${input.server}\``, '');
  if (input.notes) out.push('### Notes from the author', '', ...warnings(describeHiddenCharacters('notes', findHiddenCharacters(input.notes))), visibleText(input.notes, { newlines: true, tabs: true }), '');
  const asks = [
    ...input.tools.flatMap((t) => t.asks.map((a) => `${t.id}: ${a}`)),
    ...input.secrets.map((s) => `secret name \`${s}\` (its value is set by an admin after merging)`),
    ...input.grants.map((g) => `network: \`${g.host}${g.port === undefined ? '' : `:${g.port}`}\` — ${visibleText(g.reason)}${flag(g.reason)}`),
    ...input.relatedRequests.map((r) => `related open request #${r.number}: ${visibleText(r.title)}${flag(r.title)}`),
  ];
  out.push('### What this change asks for', '', ...(asks.length === 0 ? ['Nothing beyond what main already allows.'] : asks.map((a) => `- ${a}`)), '');
  for (const tool of input.tools) {
    out.push(`### \`${tool.id}\` (${tool.change})`, '');
    if (tool.code === null) continue;
    out.push('**Last test:** ' + describeTest(tool.test, input.head), '');
    out.push('**Input schema** (derived from `main`):', '', '```json', tool.schema === null ? '(not derived: the code does not parse, or the sandbox is unavailable)' : JSON.stringify(tool.schema, null, 2), '```', '');
    const parsed = parseToolId(tool.id);
    const path = parsed === undefined ? tool.id : toolCodePath(parsed.server, parsed.tool);
    const fence = '`'.repeat(Math.max(3, ...[...tool.code.matchAll(/`+/g)].map((m) => m[0].length + 1)));
    out.push('**Code:**', '', ...warnings(describeHiddenCharacters(path, findHiddenCharacters(tool.code))), `${fence}python`, visibleText(tool.code, { newlines: true, tabs: true }), fence, '');
  }
  out.push('### Files', '', ...input.files.map((f) => `- ${f}`), '');
  const text = out.join('\n');
  return text.length > MAX_BODY ? `${text.slice(0, MAX_BODY)}\n\n(truncated: see the branch for the rest)` : text;
}

function describeTest(test: ToolSection['test'], head: string | undefined): string {
  if (test === null) return 'never tested with mcpbox_test_code.';
  const outcome = test.success ? 'passed' : 'FAILED';
  const older = test.current ? '' : ' (an older version of the code; the current code was not tested)';
  const stale = head === undefined || test.commit === head ? '' : ` (**stale**: recorded at ${test.commit.slice(0, 12)}, not at the head ${head.slice(0, 12)} this describes)`;
  return `${outcome} at ${visibleText(test.at)}${older}${stale} — \`${visibleText(test.summary).replace(/`/g, "'")}\``;
}

/** A visible warning line per hidden character, before the text it is in. */
function warnings(lines: string[]): string[] {
  return lines.length === 0 ? [] : [...lines.map((l) => `> **Warning: invisible or bidirectional character** at ${l}; it is shown as \`<U+XXXX>\` below.`), ''];
}

function flag(text: string): string {
  const found = findHiddenCharacters(text);
  return found.length === 0 ? '' : ` (**warning:** contains ${found.map((c) => c.name).join(', ')})`;
}
