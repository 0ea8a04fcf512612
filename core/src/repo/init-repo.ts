// Creates the embedded tools repo: a bare repo whose `main` starts with one commit of the
// template. Built in a sibling temp dir and renamed into place, so a crash or a second process
// starting at the same moment never leaves a half-made repo. An existing repo is left untouched.
import { randomBytes } from 'node:crypto';
import { lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { GitError } from '../git/errors.ts';
import { updateRefs } from '../git/refs.ts';
import { tryResolveCommit } from '../git/resolve.ts';
import { runGit } from '../git/runner.ts';
import type { GitIdentity } from '../git/validate.ts';
import { writeCommitObject, type FileWrite } from '../git/write-commit.ts';

export interface InitRepoResult {
  gitDir: string;
  /** False when a repository was already there (and was left as it is). */
  created: boolean;
  /** The sha of main (undefined only for an existing repo without main). */
  main: string | undefined;
  files: number;
}

/** Regular files under `dir` as repo paths (`/`-separated); `.git`, `node_modules` and symlinks are skipped. */
function templateFiles(root: string): FileWrite[] {
  const files: FileWrite[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      if (name === '.git' || name === 'node_modules') continue;
      const full = join(dir, name);
      const stat = lstatSync(full);
      if (stat.isDirectory()) walk(full);
      else if (stat.isFile()) files.push({ path: relative(root, full).split(sep).join('/'), content: readFileSync(full) });
    }
  };
  walk(root);
  return files;
}

async function isRepository(dir: string): Promise<boolean> {
  const { code } = await runGit(dir, ['rev-parse', '--is-bare-repository'], { okCodes: [0, 128] });
  return code === 0;
}

export async function initRepo(gitDirInput: string, templateDir: string, identity: GitIdentity): Promise<InitRepoResult> {
  const gitDir = resolve(gitDirInput);
  if (existsSync(gitDir)) {
    if (await isRepository(gitDir)) return { gitDir, created: false, main: await tryResolveCommit(gitDir, 'refs/heads/main'), files: 0 };
    if (readdirSync(gitDir).length > 0) {
      throw new GitError('repo_missing', `${gitDir} exists but is not a git repository. Move it away or point MCPBOX_DATA_DIR elsewhere.`);
    }
    rmSync(gitDir, { recursive: true });
  }
  const files = templateFiles(resolve(templateDir));
  mkdirSync(dirname(gitDir), { recursive: true });
  const staging = `${gitDir}.init-${randomBytes(4).toString('hex')}`;
  try {
    await runGit(undefined, ['init', '--quiet', '--bare', '--initial-branch=main', staging]);
    // Reflogs in a bare repo give admins an audit trail of every ref move.
    await runGit(staging, ['config', 'core.logAllRefUpdates', 'always']);
    await runGit(staging, ['config', 'receive.denyNonFastForwards', 'true']);
    const main = await writeCommitObject(staging, { parent: null, changes: files, message: 'Initialise the tools repository from the mcpbox template', author: identity, committer: identity });
    await updateRefs(staging, [{ ref: 'refs/heads/main', next: main, expected: null }], 'mcpbox init');
    try {
      renameSync(staging, gitDir);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if ((code === 'EEXIST' || code === 'ENOTEMPTY') && (await isRepository(gitDir))) {
        return { gitDir, created: false, main: await tryResolveCommit(gitDir, 'refs/heads/main'), files: 0 };
      }
      throw err;
    }
    return { gitDir, created: true, main, files: files.length };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
