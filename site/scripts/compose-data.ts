// Composes data.json for a status site built away from a gateway (the template's Pages job): the
// tools repo at one revision, its pull requests if the repo carries mcpbox's records, and an
// optional status.json copied from a gateway. No reconciler runs here, so nothing is "live".
// Usage: node site/scripts/compose-data.ts --repo <checkout or bare repo> [--rev HEAD]
//          [--out site/public/data.json] [--status status.json] [--commit-url URL] [--pull-url URL]
// Writes data.json and, next to it, tools/<id>.json for every tool.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as z from 'zod';
import { createLocalBranchForge, resolveCommit, type PullRequest } from '@mcpbox/core';
import { ReconcilerStatusSchema, type ReconcilerStatus } from '@mcpbox/reconciler';
import { SiteDataComposer } from '../src/index.ts';

const ArgsSchema = z.object({
  repo: z.string({ error: 'missing --repo <path>: the tools repo checkout (or bare repo) to build from' }).min(1),
  rev: z.string().min(1).default('HEAD'),
  out: z.string().min(1).default(join(import.meta.dirname, '..', 'public', 'data.json')),
  status: z.string().min(1).optional(),
  'commit-url': z.string().includes('{sha}', { error: '--commit-url must contain {sha}, e.g. https://github.com/o/r/commit/{sha}' }).optional(),
  'pull-url': z.string().includes('{number}', { error: '--pull-url must contain {number}, e.g. https://github.com/o/r/pull/{number}' }).optional(),
});

function fail(message: string): never {
  process.stderr.write(`compose-data: ${message}\n`);
  process.exit(2);
}

const { values } = parseArgs({
  options: { repo: { type: 'string' }, rev: { type: 'string' }, out: { type: 'string' }, status: { type: 'string' }, 'commit-url': { type: 'string' }, 'pull-url': { type: 'string' } },
  strict: true,
});
const parsed = ArgsSchema.safeParse(values);
if (!parsed.success) fail(parsed.error.issues.map((i) => i.message).join('; '));
const args = parsed.data;

const repo = resolve(args.repo);
const gitDir = existsSync(join(repo, '.git')) ? join(repo, '.git') : repo;
let revision: string;
try {
  revision = await resolveCommit(gitDir, args.rev);
} catch (err) {
  fail(`cannot read revision ${args.rev} of ${repo}: ${err instanceof Error ? err.message : String(err)}`);
}

let status: ReconcilerStatus | null = null;
if (args.status) {
  const result = ReconcilerStatusSchema.safeParse(JSON.parse(readFileSync(args.status, 'utf8')));
  if (!result.success) fail(`${args.status} is not a status.json written by mcpbox: ${result.error.issues[0]?.message ?? 'invalid'}`);
  status = result.data;
}

// Pull request records exist only where mcpbox's local forge wrote them; elsewhere the list is empty.
const pulls: PullRequest[] = await createLocalBranchForge({ gitDir, identity: { name: 'mcpbox site', email: 'site@localhost' } })
  .listPullRequests({ state: 'all' })
  .catch(() => []);

const composer = new SiteDataComposer({ gitDir, links: { commit: args['commit-url'] ?? null, pull: args['pull-url'] ?? null } });
const sources = { source: 'build', mainRevision: revision, live: null, status, pulls } as const;
const data = await composer.compose(sources);
mkdirSync(dirname(args.out), { recursive: true });
writeFileSync(args.out, JSON.stringify(data) + '\n');
// Each tool in full next to data.json, where the tool page (and the gateway) keep them.
const toolsDir = join(dirname(args.out), 'tools');
mkdirSync(toolsDir, { recursive: true });
for (const { id } of data.tools) {
  const tool = await composer.composeTool(sources, id);
  if (tool) writeFileSync(join(toolsDir, `${id}.json`), JSON.stringify(tool) + '\n');
}
process.stdout.write(`wrote ${args.out}: ${data.tools.length} tools in ${data.servers.length} servers at ${revision.slice(0, 10)}\n`);
