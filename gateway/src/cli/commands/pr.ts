// `mcpbox pr list|show|merge|close`: the admin reviews and decides the pull requests MCP clients
// opened on the embedded tools repo. Merging is a real --no-ff merge commit on main by the admin;
// the running gateway sees main move and applies it. Everything shown here was written by an LLM
// (titles, notes, code, reasons, test output), so every line passes through visibleText: no control
// sequence reaches the reviewer's terminal, and invisible or bidi characters are listed by place.
// `pr show` records the head it displayed; `pr merge` merges exactly that head or refuses.
import type { Command } from 'commander';
import {
  describeHiddenCharacters, displayJson, findHiddenCharacters, HeadMovedError, runGit, visibleText, type AdminForge, type PullRequest,
} from '@mcpbox/core';
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
        process.stdout.write(`${displayJson(rows, 2)}\n`);
        return;
      }
      const t = createTerminal();
      if (rows.length === 0) {
        t.out(`no ${options.state === 'all' ? '' : `${options.state} `}pull requests`);
        return;
      }
      for (const r of rows) {
        const flagged = findHiddenCharacters(r.title).length > 0 ? `  ${t.color.red('[hidden characters in the title]')}` : '';
        t.out(`${t.color.bold(`#${r.number}`.padEnd(5))} ${stateLabel(t, r.state)} ${visibleText(r.kind).padEnd(13)} ${visibleText(r.title)}  ${t.color.dim(visibleText(r.branch))}${flagged}`);
      }
    });

  pr.command('show')
    .description('show a pull request: what it asks for, its last test, the derived schema and the diff; records the head shown, which `pr merge` then merges')
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
        t.out(p.body.trim() === '' ? t.color.dim('(no description)') : multiline(p.body.trimEnd()));
        for (const c of p.comments) t.out(`\n${t.color.bold(visibleText(c.author.name))} ${t.color.dim(visibleText(c.createdAt))}: ${multiline(c.body)}`);
        printHiddenWarnings(t, p, review);
        if (p.head !== null) {
          t.out('');
          t.out(t.color.bold('Diff against main:'));
          // Three dots: what the branch brings in since it left main, as a reviewer reads it.
          const base = p.state === 'merged' && p.mergeCommit ? `${p.mergeCommit}^1` : 'refs/heads/main';
          const { stdout } = await runGit(repo, ['diff', '--color=never', '--stat', '--patch', '--end-of-options', `${base}...${p.head}`]);
          printDiff(t, stdout.toString('utf8'));
        }
        if (p.state === 'open' && p.head !== null) {
          t.out('');
          t.out(`${t.color.bold('Shown head:')} ${p.head}  (\`mcpbox pr merge ${p.number}\` merges exactly this head, and refuses if the branch moves)`);
          if (p.shownHead?.sha !== p.head) await forge.recordShownHead({ number: p.number, head: p.head });
        }
      });
    });

  pr.command('merge')
    .description('merge a pull request into main (a --no-ff merge commit by you) at the head `pr show` displayed; the gateway applies it')
    .argument('<number>', 'the pull request number')
    .option('--head <sha>', 'merge only if the branch is at this commit (default: the head the last `pr show` displayed)')
    .option('-m, --message <text>', 'extra text for the merge commit')
    .action(async (number: string, options: { head?: string; message?: string }) => {
      const n = pullNumber(number);
      const merged = await withForge(async (forge, repo) => {
        const p = await forge.getPullRequest({ number: n });
        const expected = options.head !== undefined ? await resolveHead(repo, options.head) : p.state === 'open' ? p.shownHead?.sha : undefined;
        if (expected === undefined && p.state === 'open') {
          throw new CliError(`pull request #${n} has not been reviewed here: run \`mcpbox pr show ${n}\` first (it records the head you saw, and merge takes exactly that head), or pass --head <sha>`);
        }
        try {
          return await forge.mergePullRequest({ number: n, ...(expected === undefined ? {} : { expectedHead: expected }), ...(options.message === undefined ? {} : { message: options.message }) });
        } catch (err) {
          if (err instanceof HeadMovedError) throw new CliError(await headMovedMessage(repo, err, options.head !== undefined));
          throw err;
        }
      });
      const t = createTerminal();
      t.out(`${t.color.green('merged')} #${merged.number} ${visibleText(merged.title)} at ${merged.head?.slice(0, 12) ?? '?'} → main ${merged.mergeCommit?.slice(0, 12) ?? ''}`);
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

/** A full commit id for `--head`: 7 to 40 hex digits naming one commit of the repo. */
async function resolveHead(repo: string, text: string): Promise<string> {
  if (!/^[0-9a-f]{7,40}$/.test(text)) throw new CliError(`--head expects a commit id (7 to 40 hex digits, as \`pr show\` prints), got "${visibleText(text)}"`, 'usage');
  try {
    const { stdout } = await runGit(repo, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${text}^{commit}`]);
    return stdout.toString('utf8').trim();
  } catch {
    throw new CliError(`--head ${text} is not a commit of the tools repo; pass the head \`mcpbox pr show\` printed`, 'usage');
  }
}

/** What changed on the branch between the head that was reviewed and the one there now. */
async function headMovedMessage(repo: string, err: HeadMovedError, fromOption: boolean): Promise<string> {
  const seen = fromOption ? '--head' : 'the last `pr show`';
  const lines = [`pull request #${err.number} moved since it was reviewed: ${seen} was ${err.expected.slice(0, 12)}, the branch is now at ${err.actual.slice(0, 12)}; nothing was merged.`];
  const { stdout } = await runGit(repo, ['log', '--format=%h %s', '--end-of-options', err.actual, `^${err.expected}`]);
  const added = stdout.toString('utf8').split('\n').filter((l) => l !== '');
  const { stdout: lost } = await runGit(repo, ['rev-list', '--count', '--end-of-options', err.expected, `^${err.actual}`]);
  if (Number(lost.toString('utf8').trim()) > 0) lines.push(`The branch was rewritten: ${err.expected.slice(0, 12)} is no longer on it.`);
  if (added.length > 0) lines.push('Commits added since:', ...added.map((l) => `  ${visibleText(l)}`));
  lines.push(`Run \`mcpbox pr show ${err.number}\` again to review what is there now, then merge.`);
  return lines.join('\n');
}

/** Multi-line text written by an LLM: line breaks and tabs kept, every other control made visible. */
function multiline(text: string): string {
  return visibleText(text, { newlines: true, tabs: true });
}

/** `git diff` output, neutralised line by line, then coloured here (never by git: its escapes would be indistinguishable). */
function printDiff(t: Terminal, diff: string): void {
  const lines = diff.endsWith('\n') ? diff.slice(0, -1).split('\n') : diff.split('\n');
  for (const raw of lines) {
    const line = visibleText(raw, { tabs: true });
    if (line.startsWith('+++') || line.startsWith('---') || line.startsWith('diff --git')) t.out(t.color.bold(line));
    else if (line.startsWith('@@')) t.out(t.color.cyan(line));
    else if (line.startsWith('+')) t.out(t.color.green(line));
    else if (line.startsWith('-')) t.out(t.color.red(line));
    else t.out(line);
  }
}

/** One warning line per invisible or bidi character in the changed files and in the PR's own text. */
function printHiddenWarnings(t: Terminal, p: PullRequest, review: PullReview | null): void {
  const lines = [
    ...describeHiddenCharacters('title', findHiddenCharacters(p.title)),
    ...describeHiddenCharacters('description', findHiddenCharacters(p.body)),
    ...p.comments.flatMap((c, i) => describeHiddenCharacters(`comment ${i + 1}`, findHiddenCharacters(c.body))),
    ...(review?.hidden ?? []).map((h) => describeHiddenCharacters(h.file, [h])[0] ?? ''),
  ];
  if (lines.length === 0) return;
  t.out('');
  t.out(t.color.red(t.color.bold(`WARNING: ${lines.length} invisible or bidirectional character(s); they are shown below as <U+XXXX> and may make text read differently elsewhere:`)));
  for (const line of lines) t.out(t.color.red(`  ${line}`));
}

function stateLabel(t: Terminal, state: string): string {
  const label = state.padEnd(6);
  return state === 'open' ? t.color.green(label) : state === 'merged' ? t.color.magenta(label) : t.color.red(label);
}

function printHeader(t: Terminal, p: PullRequest): void {
  const v = (text: string) => visibleText(text);
  t.out(`${t.color.bold(`#${p.number} ${v(p.title)}`)}`);
  t.out(`${stateLabel(t, p.state)} ${v(p.kind)}  ${v(p.branch)} → ${p.base}  by ${v(p.author.name)} <${v(p.author.email)}>  ${v(p.createdAt)}`);
  if (p.state === 'closed' && p.closingReason) t.out(`${t.color.red('rejected')}: ${multiline(p.closingReason)}`);
  if (p.state === 'merged') t.out(`merged by ${v(p.mergedBy?.name ?? '?')} as ${p.mergeCommit ?? '?'}`);
  t.out(t.color.dim(`url: ${pullUrl(p.number)}   head: ${p.head ?? '(branch gone)'}`));
}

/** What the pull request asks for and how its tools tested, computed at its current head. */
function printReview(t: Terminal, r: PullReview): void {
  t.out('');
  t.out(t.color.bold(`Asks for (at head ${r.head.slice(0, 12)}):`));
  const asks = [
    ...r.modules.map((m) => `module ${t.color.yellow(m.name)} — ${visibleText(m.reason)}`),
    ...r.grants.map((g) => `network ${t.color.yellow(`${g.server} → ${g.host}${g.port === undefined ? '' : `:${g.port}`}`)} — ${visibleText(g.reason)}`),
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
          : `${test.success ? t.color.green('passed') : t.color.red('FAILED')}${test.current ? '' : t.color.yellow(' (an older version of the code)')}${test.commit === r.head ? '' : t.color.yellow(` (STALE: recorded at ${test.commit.slice(0, 12)}, an older head than the one shown)`)} at ${visibleText(test.at)} — ${visibleText(test.summary)}`;
      t.out(`  - ${tool.id} (${tool.change}): ${outcome}`);
    }
  }
}
