import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { commitChanges, GitError, readTree, updateRefs } from '../../src/git/index.ts';
import { announceMainMoved, initRepo, maintainRepo, listToolVersions, watchMain, type MainMoved } from '../../src/repo/index.ts';
import { tempRepos } from '../git/temp-repo.ts';

const temp = tempRepos('mcpbox-repo-');
afterAll(() => temp.cleanup());
const admin = { name: 'Admin', email: 'admin@example.org' };
const template = join(temp.root, 'template');
mkdirSync(join(template, 'policy'), { recursive: true });
mkdirSync(join(template, '.git'), { recursive: true });
writeFileSync(join(template, 'mcpbox.yaml'), 'apiVersion: mcpbox/v1\n');
writeFileSync(join(template, 'policy', 'modules.yaml'), 'allowed: []\n');
writeFileSync(join(template, '.git', 'ignored'), 'no');

function sh(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 'P', GIT_AUTHOR_EMAIL: 'p@x', GIT_COMMITTER_NAME: 'P', GIT_COMMITTER_EMAIL: 'p@x' } }).trim();
}

describe('initRepo', () => {
  it('creates a bare repo with main holding the template, then leaves it alone', async () => {
    const gitDir = join(temp.root, 'data', 'repo.git');
    const first = await initRepo(gitDir, template, admin);
    expect(first).toMatchObject({ created: true, files: 2 });
    expect(execFileSync('git', [`--git-dir=${gitDir}`, 'symbolic-ref', 'HEAD'], { encoding: 'utf8' }).trim()).toBe('refs/heads/main');
    expect(execFileSync('git', [`--git-dir=${gitDir}`, 'rev-parse', '--is-bare-repository'], { encoding: 'utf8' }).trim()).toBe('true');
    const { files } = await readTree(gitDir, 'main');
    expect(files.map((f) => f.path).sort()).toEqual(['mcpbox.yaml', 'policy/modules.yaml']);
    const again = await initRepo(gitDir, template, admin);
    expect(again).toMatchObject({ created: false, main: first.main });
    await maintainRepo(gitDir);
    expect(execFileSync('git', [`--git-dir=${gitDir}`, 'rev-parse', 'main'], { encoding: 'utf8' }).trim()).toBe(first.main);
  });

  it('two simultaneous inits end with one repo and one creator', async () => {
    const gitDir = join(temp.root, 'race', 'repo.git');
    const results = await Promise.all([initRepo(gitDir, template, admin), initRepo(gitDir, template, admin)]);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.main)).size).toBe(1);
  });

  it('refuses a non-empty directory that is not a repository', async () => {
    const dir = join(temp.root, 'junk');
    mkdirSync(dir);
    writeFileSync(join(dir, 'file'), 'x');
    await expect(initRepo(dir, template, admin)).rejects.toMatchObject({ code: 'repo_missing' });
  });
});

describe('listToolVersions', () => {
  it('lists the commits of a tool code and metadata, newest first', async () => {
    const gitDir = (await initRepo(join(temp.root, 'versions.git'), template, admin)).gitDir;
    const write = (u: Parameters<typeof updateRefs>[1]) => updateRefs(gitDir, u);
    const commit = (path: string, content: string, message: string) =>
      commitChanges(gitDir, write, { ref: 'refs/heads/main', changes: [{ path, content }], message, author: { name: 'LLM', email: 'llm@mcpbox' }, committer: admin });
    const v1 = await commit('servers/weather/tools/forecast.py', 'async def main():\n    return 1\n', 'Add forecast');
    await commit('servers/weather/tools/other.py', 'x', 'Unrelated');
    const v2 = await commit('servers/weather/tools/forecast.yaml', 'timeout_ms: 100\n', 'Tune forecast');
    const versions = await listToolVersions(gitDir, 'weather', 'forecast');
    expect(versions.map((v) => [v.commit, v.message, v.author])).toEqual([
      [v2.commit, 'Tune forecast', 'LLM'],
      [v1.commit, 'Add forecast', 'LLM'],
    ]);
    await expect(listToolVersions(gitDir, '../x', 'forecast')).rejects.toBeInstanceOf(GitError);
    await expect(listToolVersions(gitDir, 'weather', 'Forecast')).rejects.toMatchObject({ code: 'invalid_argument' });
  });
});

describe('watchMain', () => {
  function collector() {
    const events: MainMoved[] = [];
    const waiters: Array<() => void> = [];
    return {
      events,
      push(e: MainMoved) {
        events.push(e);
        waiters.splice(0).forEach((w) => w());
      },
      async next(count: number, ms = 5_000) {
        const deadline = Date.now() + ms;
        while (events.length < count && Date.now() < deadline) await new Promise<void>((r) => (waiters.push(r), setTimeout(r, 100)));
        return events;
      },
    };
  }

  it('fires on a plain git push from a clone, on pack-refs, and on in-process announcements; not on other branches', async () => {
    const gitDir = (await initRepo(join(temp.root, 'watched.git'), template, admin)).gitDir;
    const seen = collector();
    const watcher = watchMain(gitDir, (e) => seen.push(e), { pollMs: 0 });
    await watcher.ready;
    try {
      const clone = join(temp.root, 'clone');
      execFileSync('git', ['clone', '--quiet', gitDir, clone]);
      writeFileSync(join(clone, 'README.md'), 'hello\n');
      sh(clone, 'add', 'README.md');
      sh(clone, 'commit', '--quiet', '-m', 'Add readme');
      sh(clone, 'push', '--quiet', 'origin', 'HEAD:refs/heads/other');
      await new Promise((r) => setTimeout(r, 300));
      expect(seen.events).toHaveLength(0);
      sh(clone, 'push', '--quiet', 'origin', 'HEAD:main');
      const pushed = sh(clone, 'rev-parse', 'HEAD');
      await seen.next(1);
      expect(seen.events[0]).toMatchObject({ current: pushed, reason: 'push' });

      // refs packed and the loose ref removed: main did not move, nothing fires
      execFileSync('git', [`--git-dir=${gitDir}`, 'pack-refs', '--all']);
      await new Promise((r) => setTimeout(r, 300));
      expect(seen.events).toHaveLength(1);

      // a second push after packing still fires
      writeFileSync(join(clone, 'README.md'), 'hello again\n');
      sh(clone, 'commit', '--quiet', '-am', 'Again');
      sh(clone, 'push', '--quiet', 'origin', 'HEAD:main');
      await seen.next(2);
      expect(seen.events[1]?.current).toBe(sh(clone, 'rev-parse', 'HEAD'));

      // in-process announcement is verified against the real ref: a bogus notice without a move is ignored
      announceMainMoved({ gitDir, previous: undefined, current: 'f'.repeat(40), reason: 'merge' });
      await new Promise((r) => setTimeout(r, 200));
      expect(seen.events).toHaveLength(2);
    } finally {
      watcher.close();
    }
  });
});
