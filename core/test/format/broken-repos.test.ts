// The broken-repo corpus: every case is refused with the file, line and reason its expect.json names,
// no error lands on an unrelated file, and nothing throws.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SAFE_MODULES } from '@mcpbox/sandbox';
import { parseRepoFiles, type DesiredState } from '../../src/index.ts';
import { readRepoDir } from './repo-dir.ts';

interface Expected {
  file: string;
  line?: number;
  col?: number;
  messageIncludes: string;
  severity?: 'error' | 'warning';
  /** Found by the sandbox's analyzer (Python itself), not by the format: checked by `mcpbox validate` (gateway/test/validate-corpus.test.ts). */
  by?: 'analyzer';
}

const corpus = new URL('../fixtures/broken-repos/', import.meta.url).pathname;
const cases = readdirSync(corpus, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

describe('broken-repo corpus', () => {
  it('has at least 35 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(35);
  });

  for (const name of cases) {
    it(name, () => {
      const dir = join(corpus, name);
      const all = JSON.parse(readFileSync(join(dir, 'expect.json'), 'utf8')) as Expected[];
      expect(all.length).toBeGreaterThan(0);
      const expected = all.filter((want) => want.by !== 'analyzer');
      const files = readRepoDir(dir, (path) => path === 'expect.json');
      let state: DesiredState | undefined;
      expect(() => {
        state = parseRepoFiles(`broken-${name}`, files, { safeModules: SAFE_MODULES });
      }).not.toThrow();
      const problems = state?.problems ?? [];
      const errors = problems.filter((p) => p.severity === 'error');
      if (expected.length === 0) {
        // Python problems are the analyzer's alone: the format must not report them a second time.
        expect(errors).toEqual([]);
        return;
      }
      expect(errors.length, 'the revision must be invalid').toBeGreaterThan(0);
      for (const want of expected) {
        const match = problems.find(
          (p) =>
            p.file === want.file &&
            p.line === want.line &&
            (want.col === undefined || p.col === want.col) &&
            p.severity === (want.severity ?? 'error') &&
            p.message.includes(want.messageIncludes),
        );
        expect(match, `${JSON.stringify(want)} not among\n${problems.map((p) => `  ${p.file}:${p.line}:${p.col} ${p.message}`).join('\n')}`).toBeDefined();
      }
      const expectedFiles = new Set(expected.map((want) => want.file));
      expect(errors.filter((p) => !expectedFiles.has(p.file))).toEqual([]);
    });
  }
});
