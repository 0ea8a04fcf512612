// The fake forge's git work on its real bare repo: trees from a base plus edits (GitHub's
// create-tree and Gitea's ChangeFiles), commits, compare-and-swap ref moves and real merges.
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commitTree, isAncestor, listTree, mergeTrees, runGit, tryResolveCommit, updateRefs } from '@mcpbox/core';

const FORGE_IDENTITY = { name: 'Fake Forge', email: 'noreply@forge.test' };

export interface TreeEdit {
  path: string;
  /** New text; null deletes. */
  content: string | null;
}

export class ForgeRepo {
  readonly gitDir: string;
  constructor(gitDir: string) {
    this.gitDir = gitDir;
  }

  head(branch: string): Promise<string | undefined> {
    return tryResolveCommit(this.gitDir, `refs/heads/${branch}`);
  }

  async treeOf(commit: string): Promise<string> {
    const { stdout } = await runGit(this.gitDir, ['rev-parse', '--verify', `${commit}^{tree}`]);
    return stdout.toString().trim();
  }

  async hasObject(sha: string, type: 'commit' | 'tree'): Promise<boolean> {
    try {
      const { stdout } = await runGit(this.gitDir, ['cat-file', '-t', sha]);
      return stdout.toString().trim() === type;
    } catch {
      return false;
    }
  }

  async describeCommit(sha: string): Promise<{ author: { name: string; email: string; date: string }; committer: { name: string; email: string; date: string }; tree: string; parents: string[]; message: string }> {
    const { stdout } = await runGit(this.gitDir, ['log', '-1', '--format=%an%x00%ae%x00%aI%x00%cn%x00%ce%x00%cI%x00%T%x00%P%x00%B', sha]);
    const [an = '', ae = '', ad = '', cn = '', ce = '', cd = '', tree = '', parents = '', ...message] = stdout.toString('utf8').split('\0');
    const utc = (d: string) => new Date(d).toISOString().replace(/\.\d{3}Z$/, 'Z');
    return { author: { name: an, email: ae, date: utc(ad) }, committer: { name: cn, email: ce, date: utc(cd) }, tree, parents: parents.split(' ').filter(Boolean), message: message.join('\0').replace(/\n+$/, '') };
  }

  async blobs(commit: string): Promise<Map<string, string>> {
    return new Map((await listTree(this.gitDir, commit)).map((e) => [e.path, e.blob]));
  }

  /** A new tree: `baseTree` (or empty) with the edits applied, built in a scratch index. */
  async buildTree(baseTree: string | undefined, edits: TreeEdit[]): Promise<string> {
    const index = join(tmpdir(), `fake-forge-index-${randomUUID()}`);
    const env = { GIT_INDEX_FILE: index };
    try {
      if (baseTree) await runGit(this.gitDir, ['read-tree', baseTree], { env });
      else await runGit(this.gitDir, ['read-tree', '--empty'], { env });
      // One --index-info batch: "<mode> <blob>\t<path>" adds, mode 0 removes (no work tree needed).
      const lines: string[] = [];
      for (const edit of edits) {
        if (edit.content === null) {
          lines.push(`0 ${'0'.repeat(40)}\t${edit.path}`);
        } else {
          const { stdout } = await runGit(this.gitDir, ['hash-object', '-w', '--stdin'], { input: edit.content });
          lines.push(`100644 ${stdout.toString().trim()}\t${edit.path}`);
        }
      }
      if (lines.length > 0) await runGit(this.gitDir, ['update-index', '--index-info'], { env, input: lines.join('\n') + '\n' });
      const { stdout } = await runGit(this.gitDir, ['write-tree'], { env });
      return stdout.toString().trim();
    } finally {
      await rm(index, { force: true });
    }
  }

  commit(tree: string, parents: string[], message: string, author = FORGE_IDENTITY): Promise<string> {
    return commitTree(this.gitDir, { tree, parents, message, author, committer: FORGE_IDENTITY });
  }

  /** Moves a branch from `expected` (null: must not exist) to `next` (null: delete); false when it moved. */
  async moveBranch(branch: string, next: string | null, expected: string | null): Promise<boolean> {
    try {
      await updateRefs(this.gitDir, [{ ref: `refs/heads/${branch}`, next, expected }], 'fake forge');
      return true;
    } catch {
      return false;
    }
  }

  isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    return isAncestor(this.gitDir, ancestor, descendant);
  }

  /** A real --no-ff merge commit of `branch` onto main, not yet published: returns it and the main it was built on. */
  async prepareMerge(branch: string, message: string): Promise<{ commit: string; main: string }> {
    const main = (await this.head('main'))!;
    const head = (await this.head(branch))!;
    const tree = await mergeTrees(this.gitDir, main, head);
    return { commit: await this.commit(tree, [main, head], message), main };
  }
}
