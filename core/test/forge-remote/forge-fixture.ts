// A fake forge over a fresh bare repo (one commit on main) and a mirror directory, per test file.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RepoMirror, runGit } from '@mcpbox/core';
import { startFakeForge, type FakeForge } from '../support/fake-forge/fake-forge.ts';
import { ForgeRepo } from '../support/fake-forge/repo-ops.ts';

export const BOT_TOKEN = 'bot-token-7f3a9c1e5d';
export const ADMIN_TOKEN = 'admin-token-2b8e6d4f0a';

export interface ForgeFixture {
  dir: string;
  forge: FakeForge;
  mirror: RepoMirror;
  cleanup(): Promise<void>;
}

export async function startForgeFixture(files: Record<string, string> = { 'README.md': 'tools\n' }): Promise<ForgeFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'mcpbox-forge-'));
  const gitDir = join(dir, 'tools.git');
  await runGit(undefined, ['init', '--bare', '--quiet', '--initial-branch=main', gitDir]);
  const repo = new ForgeRepo(gitDir);
  const tree = await repo.buildTree(undefined, Object.entries(files).map(([path, content]) => ({ path, content })));
  await repo.moveBranch('main', await repo.commit(tree, [], 'Initial commit'), null);
  const forge = await startFakeForge({ gitDir, botToken: BOT_TOKEN, adminToken: ADMIN_TOKEN });
  const mirror = new RepoMirror({ gitDir: join(dir, 'mirror.git'), remoteUrl: forge.repoUrl, token: BOT_TOKEN });
  return {
    dir,
    forge,
    mirror,
    async cleanup() {
      await forge.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
