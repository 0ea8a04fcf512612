// Prune: a revision that removes a server takes its tools out of the registry and stops its
// sandbox process; servers that stay keep theirs.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { openStateStore } from '@mcpbox/core';
import { createSandbox } from '@mcpbox/sandbox';
import { GitRevisionSource, Reconciler } from '@mcpbox/reconciler';
import { BASE_FILES, serverFile, toolCode, ToolsRepoFixture } from './support/tools-repo-fixture.ts';

const root = mkdtempSync(join(tmpdir(), 'mcpbox-rec-prune-'));
const sandbox = createSandbox({ dataDir: join(root, 'sandbox') });
const store = openStateStore(join(root, 'data'));
afterAll(async () => {
  await sandbox.close();
  store.close();
  rmSync(root, { recursive: true, force: true });
});

describe('prune', () => {
  it('stops the sandbox of a server the new revision removed', async () => {
    const repo = new ToolsRepoFixture(root);
    repo.commit({
      ...BASE_FILES,
      'servers/alpha/server.yaml': serverFile(),
      'servers/alpha/tools/one.py': toolCode(),
      'servers/beta/server.yaml': serverFile(),
      'servers/beta/tools/two.py': toolCode(),
    });
    const reconciler = new Reconciler({ dataDir: join(root, 'data'), store, source: new GitRevisionSource(repo.gitDir), sandbox, pollIntervalMs: 0, requestPollMs: 0 });
    try {
      await reconciler.start();
      await reconciler.idle();
      const live = reconciler.registry.current()!;
      expect([...live.tools.keys()].sort()).toEqual(['alpha__one', 'beta__two']);
      for (const id of ['alpha__one', 'beta__two']) {
        const tool = live.tools.get(id)!;
        const result = await sandbox.run({ domain: { kind: 'live' }, server: tool.server, tool: tool.name, code: tool.code, args: { text: 'abc' }, policy: { allowedModules: [], grants: [] } });
        expect(result.result).toEqual({ n: 3 });
      }
      expect(Object.keys(sandbox.livePids())).toEqual(expect.arrayContaining(['alpha', 'beta']));

      repo.commit({ 'servers/beta/server.yaml': null, 'servers/beta/tools/two.py': null });
      reconciler.poke('test');
      await reconciler.idle();
      expect([...reconciler.registry.current()!.tools.keys()]).toEqual(['alpha__one']);
      const deadline = Date.now() + 10_000;
      while ('beta' in sandbox.livePids()) {
        if (Date.now() > deadline) throw new Error('the removed server kept its sandbox process');
        await sleep(20);
      }
      expect('alpha' in sandbox.livePids()).toBe(true);
    } finally {
      await reconciler.stop();
    }
  });
});
