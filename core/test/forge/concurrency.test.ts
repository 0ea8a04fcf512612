// Concurrent writers never lose a commit: each one lands or comes back as a typed conflict.
import { execFile, execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { isGitError, readTree } from '../../src/git/index.ts';
import { git, tempRepos } from '../git/temp-repo.ts';
import { forgeFixture } from './forge-fixture.ts';

const run = promisify(execFile);
const temp = tempRepos('mcpbox-concurrency-');
afterAll(() => temp.cleanup());

const writerScript = join(import.meta.dirname, 'concurrent-writer.ts');
interface Outcome {
  ok: boolean;
  commit?: string;
  pr?: number;
  code?: string;
  message?: string;
}

async function spawnWriters(gitDir: string, branches: string[], count: number, mode = 'commit'): Promise<Outcome[]> {
  const outputs = await Promise.all(
    branches.map((branch, p) => run(process.execPath, [writerScript, gitDir, branch, String(count), `p${p}`, mode], { timeout: 90_000 })),
  );
  return outputs.flatMap((o) => JSON.parse(o.stdout.trim()) as Outcome[]);
}

function fsck(gitDir: string): void {
  execFileSync('git', [`--git-dir=${gitDir}`, 'fsck', '--strict', '--no-progress', '--no-dangling'], { stdio: 'pipe' });
}

function commitsOn(gitDir: string, branch: string): string[] {
  return git(gitDir, 'rev-list', `main..${branch}`).split('\n').filter(Boolean);
}

describe('concurrent writers', () => {
  it('20 in one process on one branch and on 20 branches: all land', async () => {
    const { gitDir, gateway } = await forgeFixture(temp);
    await gateway.createBranch({ branch: 'mcpbox/shared' });
    const same = await Promise.all(
      Array.from({ length: 20 }, (_, i) => gateway.commitChanges({ branch: 'mcpbox/shared', changes: [{ path: `f/${i}`, content: `${i}` }], message: `c${i}` })),
    );
    const landed = commitsOn(gitDir, 'mcpbox/shared');
    expect(landed).toHaveLength(20);
    expect(new Set(landed)).toEqual(new Set(same.map((r) => r.commit)));
    expect((await readTree(gitDir, 'mcpbox/shared')).files.filter((f) => f.path.startsWith('f/'))).toHaveLength(20);

    const separate = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        await gateway.createBranch({ branch: `mcpbox/own-${i}` });
        return gateway.commitChanges({ branch: `mcpbox/own-${i}`, changes: [{ path: 'own', content: `${i}` }], message: `own ${i}` });
      }),
    );
    for (const [i, r] of separate.entries()) expect(git(gitDir, 'rev-parse', `mcpbox/own-${i}`)).toBe(r.commit);
    fsck(gitDir);
  });

  it('20 in one process with expectedHead: exactly one lands, the rest are typed conflicts', async () => {
    const { gitDir, gateway } = await forgeFixture(temp);
    const { head } = await gateway.createBranch({ branch: 'mcpbox/cas' });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => gateway.commitChanges({ branch: 'mcpbox/cas', changes: [{ path: `f/${i}`, content: `${i}` }], message: `c${i}`, expectedHead: head })),
    );
    const landed = outcomes.filter((o) => o.status === 'fulfilled');
    const conflicts = outcomes.filter((o) => o.status === 'rejected' && isGitError(o.reason, 'conflict'));
    expect(landed).toHaveLength(1);
    expect(conflicts).toHaveLength(19);
    expect(commitsOn(gitDir, 'mcpbox/cas')).toHaveLength(1);
  });

  it('4 processes × 10 on one branch: 40 commits land, none lost', async () => {
    const { gitDir, gateway } = await forgeFixture(temp);
    await gateway.createBranch({ branch: 'mcpbox/shared' });
    const outcomes = await spawnWriters(gitDir, Array(4).fill('mcpbox/shared'), 10);
    expect(outcomes.filter((o) => !o.ok)).toEqual([]);
    const landed = commitsOn(gitDir, 'mcpbox/shared');
    expect(landed).toHaveLength(40);
    expect(new Set(landed)).toEqual(new Set(outcomes.map((o) => o.commit)));
    expect((await readTree(gitDir, 'mcpbox/shared')).files.filter((f) => f.path.startsWith('files/'))).toHaveLength(40);
    fsck(gitDir);
  });

  it('4 processes × 10 on separate branches, and 4 × 5 opening pull requests: unique numbers, all records kept', async () => {
    const { gitDir, gateway } = await forgeFixture(temp);
    const branches = ['mcpbox/p0', 'mcpbox/p1', 'mcpbox/p2', 'mcpbox/p3'];
    for (const b of branches) await gateway.createBranch({ branch: b });
    const outcomes = await spawnWriters(gitDir, branches, 10);
    expect(outcomes.filter((o) => !o.ok)).toEqual([]);
    for (const b of branches) expect(commitsOn(gitDir, b)).toHaveLength(10);

    const prs = await spawnWriters(gitDir, branches, 5, 'pr');
    expect(prs.filter((o) => !o.ok)).toEqual([]);
    const numbers = prs.map((o) => o.pr).sort((a, b) => (a ?? 0) - (b ?? 0));
    expect(numbers).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const listed = await gateway.listPullRequests({ state: 'open' });
    expect(listed).toHaveLength(20);
    for (const pr of listed) expect(git(gitDir, 'rev-parse', `refs/pull/${pr.number}/head`)).toBe(git(gitDir, 'rev-parse', pr.branch));
    fsck(gitDir);
  });
});
