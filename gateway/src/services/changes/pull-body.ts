// The body of a publish pull request: everything a reviewer needs without opening the branch —
// each tool's code, its derived input schema, its last test and what the change asks for.
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
}

const MAX_BODY = 190_000;

export function composePullBody(input: PullBodyInput): string {
  const out: string[] = [];
  out.push(`## ${input.newServer ? 'New server' : 'Changes to server'} \`${input.server}\``, '');
  if (input.notes) out.push('### Notes from the author', '', input.notes, '');
  const asks = [
    ...input.tools.flatMap((t) => t.asks.map((a) => `${t.id}: ${a}`)),
    ...input.secrets.map((s) => `secret name \`${s}\` (its value is set by an admin after merging)`),
    ...input.grants.map((g) => `network: \`${g.host}${g.port === undefined ? '' : `:${g.port}`}\` — ${g.reason}`),
    ...input.relatedRequests.map((r) => `related open request #${r.number}: ${r.title}`),
  ];
  out.push('### What this change asks for', '', ...(asks.length === 0 ? ['Nothing beyond what main already allows.'] : asks.map((a) => `- ${a}`)), '');
  for (const tool of input.tools) {
    out.push(`### \`${tool.id}\` (${tool.change})`, '');
    if (tool.code === null) continue;
    out.push('**Last test:** ' + describeTest(tool.test), '');
    out.push('**Input schema** (derived from `main`):', '', '```json', tool.schema === null ? '(not derived: the code does not parse, or the sandbox is unavailable)' : JSON.stringify(tool.schema, null, 2), '```', '');
    out.push('**Code:**', '', '```python', tool.code, '```', '');
  }
  out.push('### Files', '', ...input.files.map((f) => `- ${f}`), '');
  const text = out.join('\n');
  return text.length > MAX_BODY ? `${text.slice(0, MAX_BODY)}\n\n(truncated: see the branch for the rest)` : text;
}

function describeTest(test: ToolSection['test']): string {
  if (test === null) return 'never tested with mcpbox_test_code.';
  const outcome = test.success ? 'passed' : 'FAILED';
  const stale = test.current ? '' : ' (an older version of the code; the current code was not tested)';
  return `${outcome} at ${test.at}${stale} — ${test.summary}`;
}
