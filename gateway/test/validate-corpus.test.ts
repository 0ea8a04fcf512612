// `mcpbox validate` as CI runs it: the real command over the template (valid, exit 0) and over the
// whole broken-repo corpus in one call (every case invalid, each expected problem printed with its
// file, line, column and reason; exit 1; never a stack trace).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './support/cli-process.ts';
import { REPO_ROOT } from './support/gateway-fixture.ts';

interface Expected {
  file: string;
  line?: number;
  col?: number;
  messageIncludes: string;
  severity?: 'error' | 'warning';
}
interface Problem {
  file: string;
  line?: number;
  col?: number;
  message: string;
  severity: 'error' | 'warning';
}

const corpus = join(REPO_ROOT, 'core/test/fixtures/broken-repos');
const cases = readdirSync(corpus, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();
const data = mkdtempSync(join(tmpdir(), 'mcpbox-validate-corpus-'));
afterAll(() => rmSync(data, { recursive: true, force: true }));

describe('mcpbox validate over the template and the broken-repo corpus', () => {
  it('the template is valid (exit 0)', async () => {
    const r = await runCli(['validate', join(REPO_ROOT, 'tools-repo-template')], { MCPBOX_DATA_DIR: data }, 180_000);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/✓ valid: 1 tool\(s\)/);
  }, 200_000);

  it(`rejects each of the ${cases.length} broken repos with the expected file:line and reason`, async () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
    const dirs = cases.map((c) => join(corpus, c));
    const json = await runCli(['validate', '--json', ...dirs], { MCPBOX_DATA_DIR: data }, 180_000);
    expect(json.stderr).not.toMatch(/\n\s+at /);
    expect(json.code).toBe(1);
    const reports = JSON.parse(json.stdout) as Array<{ path: string; valid: boolean; problems: Problem[] }>;
    expect(reports.map((r) => r.path)).toEqual(dirs);
    for (const [i, name] of cases.entries()) {
      const report = reports[i]!;
      const expected = JSON.parse(readFileSync(join(corpus, name, 'expect.json'), 'utf8')) as Expected[];
      expect(report.valid, `${name} should be invalid`).toBe(false);
      for (const want of expected) {
        const hit = report.problems.find(
          (p) =>
            p.file === want.file &&
            (want.line === undefined || p.line === want.line) &&
            (want.col === undefined || p.col === want.col) &&
            p.message.includes(want.messageIncludes),
        );
        expect(hit, `${name}: expected ${want.file}:${want.line ?? ''}:${want.col ?? ''} "${want.messageIncludes}" among ${JSON.stringify(report.problems)}`).toBeDefined();
      }
    }

    // The human form: one `<repo>/file:line:col: message` line per problem.
    const human = await runCli(['validate', dirs[0]!, dirs[1]!], { MCPBOX_DATA_DIR: data }, 180_000);
    expect(human.code).toBe(1);
    const first = JSON.parse(readFileSync(join(dirs[0]!, 'expect.json'), 'utf8')) as Expected[];
    const want = first[0]!;
    const at = want.line === undefined ? want.file : `${want.file}:${want.line}:${want.col ?? 1}`;
    expect(human.stdout).toContain(`${dirs[0]}/${at}: `);
    expect(human.stderr).toMatch(/2 of 2 tools repos are not valid/);
  }, 400_000);

  it('a path that does not exist is a usage error (exit 2) before any sandbox starts', async () => {
    const r = await runCli(['validate', join(data, 'nope')], { MCPBOX_DATA_DIR: data });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is not a directory/);
  });
});
