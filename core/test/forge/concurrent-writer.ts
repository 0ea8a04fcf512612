// Child process for the concurrency test: `node concurrent-writer.ts <gitDir> <branch> <count> <tag> [pr]`
// commits <count> files to <branch> (all at once), optionally opens one PR per commit on its own
// branch, and prints one JSON line with what landed.
import { createLocalBranchForge } from '../../src/forge/index.ts';

const [gitDir = '', branch = '', countText = '10', tag = 'p', mode = 'commit'] = process.argv.slice(2);
const forge = createLocalBranchForge({ gitDir, identity: { name: `writer ${tag}`, email: `${tag}@mcpbox.local` } });
const count = Number(countText);

const outcomes = await Promise.all(
  Array.from({ length: count }, async (_, i) => {
    try {
      if (mode === 'pr') {
        const b = `mcpbox/${tag}-${i}`;
        await forge.createBranch({ branch: b });
        await forge.commitChanges({ branch: b, changes: [{ path: `pr/${tag}-${i}.txt`, content: `${i}` }], message: `pr ${tag} ${i}` });
        return { ok: true, pr: (await forge.openPullRequest({ branch: b, title: `${tag} ${i}`, body: '' })).number };
      }
      const r = await forge.commitChanges({ branch, changes: [{ path: `files/${tag}-${i}.txt`, content: `${tag} ${i}\n` }], message: `writer ${tag} commit ${i}` });
      return { ok: true, commit: r.commit };
    } catch (err) {
      return { ok: false, code: (err as { code?: string }).code ?? 'untyped', message: String(err) };
    }
  }),
);
process.stdout.write(JSON.stringify(outcomes) + '\n');
