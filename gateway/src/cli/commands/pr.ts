// `mcpbox pr list|show|merge|close`: the admin reviews and decides the pull requests MCP clients
// opened on the embedded tools repo. Merging is a real --no-ff merge commit on main by the admin;
// the running gateway sees main move and applies it.
import type { Command } from 'commander';
import { runGit, type AdminForge, type PullRequest } from '@mcpbox/core';
import { loadConfig } from '../../config/index.ts';
import { adminFailureMessage, adminIdentity, openAdminForge } from '../../services/changes/admin-forge.ts';
import { pullUrl } from '../../services/changes/change-context.ts';
import { reviewPull, type PullReview } from '../../services/changes/pull-review.ts';
import { CliError } from '../cli-error.ts';
import { createTerminal, type Terminal } from '../terminal.ts';

const STATES = ['open', 'closed', 'merged', 'all'] as const;
type StateFilter = (typeof STATES)[number];


export function register(program: Command): void {
  const pr = program.command('pr').description('review pull requests proposed by MCP clients: list, show, merge, close');

  pr.command('list')
    .description('list pull requests (open ones by default)')
    .option('--state <state>', `which ones: ${STATES.join(', ')}`, 'open')
    .option('--json', 'print a JSON array of {number, title, kind, branch, state, url}')
    .action(async (options: { state: string; json?: boolean }) => {
      if (!STATES.includes(options.state as StateFilter)) throw new CliError(`--state expects one of ${STATES.join(', ')}, got "${options.state}"`, 'usage');
      const pulls = await withForge((forge) => forge.listPullRequests({ state: options.state as StateFilter }));
      const rows = pulls.sort((a, b) => a.number - b.number).map((p) => ({ number: p.number, title: p.title, kind: p.kind, branch: p.branch, state: p.state, url: pullUrl(p.number) }));
      if (options.json) {
        process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        return;
      }
      const t = createTerminal();
      if (rows.length === 0) {
        t.out(`no ${options.state === 'all' ? '' : `${options.state} `}pull requests`);
        return;
      }
      for (const r of rows) t.out(`${t.color.bold(`#${r.number}`.padEnd(5))} ${stateLabel(t, r.state)} ${r.kind.padEnd(13)} ${r.title}  ${t.color.dim(r.branch)}`);
    });

  pr.command('show')
    .description('show a pull request: what it asks for, its last test, the derived schema and the diff')
    .argument('<number>', 'the pull request number')
    .action(async (number: string) => {
      const n = pullNumber(number);
      const t = createTerminal();
      await withForge(async (forge, repo) => {
        const p = await forge.getPullRequest({ number: n });
        printHeader(t, p);
        const review = await reviewPull(repo, forge, p);
        if (review !== null) printReview(t, review);
        t.out('');
        t.out(t.color.bold('Description:'));
        t.out(p.body.trim() === '' ? t.color.dim('(no description)') : p.body.trimEnd());
        for (const c of p.comments) t.out(`\n${t.color.bold(`${c.author.name}`)} ${t.color.dim(c.createdAt)}: ${c.body}`);
        if (p.head !== null) {
          t.out('');
          t.out(t.color.bold('Diff against main:'));
          // Three dots: what the branch brings in since it left main, as a reviewer reads it.
          const base = p.state === 'merged' && p.mergeCommit ? `${p.mergeCommit}^1` : 'refs/heads/main';
          const { stdout } = await runGit(repo, ['diff', `--color=${process.stdout.isTTY && process.env.NO_COLOR === undefined ? 'always' : 'never'}`, '--stat', '--patch', '--end-of-options', `${base}...${p.head}`]);
          process.stdout.write(stdout.toString('utf8'));
        }
      });
    });

  pr.command('merge')
    .description('merge a pull request into main (a --no-ff merge commit by you); the gateway applies it')
    .argument('<number>', 'the pull request number')
    .option('-m, --message <text>', 'extra text for the merge commit')
    .action(async (number: string, options: { message?: string }) => {
      const n = pullNumber(number);
      const merged = await withForge((forge) => forge.mergePullRequest({ number: n, ...(options.message === undefined ? {} : { message: options.message }) }));
      const t = createTerminal();
      t.out(`${t.color.green('merged')} #${merged.number} ${merged.title} → main ${merged.mergeCommit?.slice(0, 12) ?? ''}`);
    });

  pr.command('close')
    .description('close a pull request without merging; the reason is what the MCP client sees as the rejection')
    .argument('<number>', 'the pull request number')
    .requiredOption('--reason <text>', 'why it is rejected (shown to the client by mcpbox_get_tool_status)')
    .action(async (number: string, options: { reason: string }) => {
      const n = pullNumber(number);
      if (options.reason.trim() === '') throw new CliError('--reason must say why the pull request is closed', 'usage');
      const closed = await withForge((forge) => forge.closePullRequest({ number: n, reason: options.reason, author: adminIdentity() }));
      const t = createTerminal();
      t.out(`${t.color.yellow('closed')} #${closed.number} ${closed.title}`);
    });
}

async function withForge<T>(work: (forge: AdminForge, repo: string) => Promise<T>): Promise<T> {
  const config = loadConfig();
  try {
    return await work(openAdminForge(config), config.repo);
  } catch (err) {
    const message = adminFailureMessage(err);
    if (message !== undefined) throw new CliError(message);
    throw err;
  }
}

export function pullNumber(text: string): number {
  const m = /^#?([1-9][0-9]{0,8})$/.exec(text.trim());
  if (m === null) throw new CliError(`expected a pull request number such as 12 or #12, got "${text}"`, 'usage');
  return Number(m[1]);
}

function stateLabel(t: Terminal, state: string): string {
  const label = state.padEnd(6);
  return state === 'open' ? t.color.green(label) : state === 'merged' ? t.color.magenta(label) : t.color.red(label);
}

function printHeader(t: Terminal, p: PullRequest): void {
  t.out(`${t.color.bold(`#${p.number} ${p.title}`)}`);
  t.out(`${stateLabel(t, p.state)} ${p.kind}  ${p.branch} → ${p.base}  by ${p.author.name} <${p.author.email}>  ${p.createdAt}`);
  if (p.state === 'closed' && p.closingReason) t.out(`${t.color.red('rejected')}: ${p.closingReason}`);
  if (p.state === 'merged') t.out(`merged by ${p.mergedBy?.name ?? '?'} as ${p.mergeCommit ?? '?'}`);
  t.out(t.color.dim(`url: ${pullUrl(p.number)}   head: ${p.head ?? '(branch gone)'}`));
}

/** What the pull request asks for and how its tools tested, computed at its current head. */
function printReview(t: Terminal, r: PullReview): void {
  t.out('');
  t.out(t.color.bold(`Asks for (at head ${r.head.slice(0, 12)}):`));
  const asks = [
    ...r.modules.map((m) => `module ${t.color.yellow(m.name)} — ${m.reason}`),
    ...r.grants.map((g) => `network ${t.color.yellow(`${g.server} → ${g.host}${g.port === undefined ? '' : `:${g.port}`}`)} — ${g.reason}`),
    ...r.secrets.map((s) => `secret name ${t.color.yellow(s.name)} on ${s.server} (set its value with mcpbox secret set after merging)`),
  ];
  t.out(asks.length === 0 ? '  nothing beyond what main already allows' : asks.map((a) => `  - ${a}`).join('\n'));
  if (r.tools.length > 0) {
    t.out(t.color.bold('Tools and their last sandbox test:'));
    for (const tool of r.tools) {
      const test = tool.test;
      const outcome =
        test === null
          ? t.color.yellow('never tested')
          : `${test.success ? t.color.green('passed') : t.color.red('FAILED')}${test.current ? '' : t.color.yellow(' (an older version of the code)')} at ${test.at} — ${test.summary}`;
      t.out(`  - ${tool.id} (${tool.change}): ${outcome}`);
    }
  }
}
