// The mirror: fetches every branch (pruning deleted ones) over real git HTTP with the token only in
// the child's environment, and never lets a credential into its files, errors or status.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listRefs, RepoMirror, redactMessage, redactUrl } from '@mcpbox/core';
import { ForgeRepo } from '../support/fake-forge/repo-ops.ts';
import { BOT_TOKEN, startForgeFixture, type ForgeFixture } from './forge-fixture.ts';

let fx: ForgeFixture;

beforeAll(async () => {
  fx = await startForgeFixture();
});

afterAll(async () => {
  await fx?.cleanup();
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

describe('RepoMirror', () => {
  it('fetches main and branches, prunes deleted branches, and keeps the token out of every file', async () => {
    const repo = new ForgeRepo(fx.forge.gitDir);
    const main = (await repo.head('main'))!;
    await repo.moveBranch('mcpbox/one', main, null);
    expect(await fx.mirror.fetch()).toBe(main);
    expect((await listRefs(fx.mirror.gitDir, 'refs/heads/')).map((r) => r.ref).sort()).toEqual(['refs/heads/main', 'refs/heads/mcpbox/one']);
    await repo.moveBranch('mcpbox/one', null, main);
    await fx.mirror.fetch();
    expect((await listRefs(fx.mirror.gitDir, 'refs/heads/')).map((r) => r.ref)).toEqual(['refs/heads/main']);
    expect(fx.mirror.status()).toMatchObject({ ok: true, main });
    for (const file of filesUnder(fx.mirror.gitDir)) expect(readFileSync(file).includes(BOT_TOKEN), file).toBe(false);
    // The git requests reached the forge authenticated.
    expect(fx.forge.requests.filter((r) => r.dialect === 'git').every((r) => r.actor === 'bot')).toBe(true);
  });

  it('fails clearly with a wrong token, without echoing it', async () => {
    const wrong = new RepoMirror({ gitDir: join(fx.dir, 'wrong.git'), remoteUrl: fx.forge.repoUrl, token: 'wrong-token-abcdef' });
    const err = (await wrong.fetch().catch((e: unknown) => e)) as Error;
    expect(err).toMatchObject({ code: 'forge_rejected' });
    expect(err.message).toMatch(/^forge refused the token: git fetch from http:\/\/127\.0\.0\.1:\d+\/acme\/tools\.git failed .*Check MCPBOX_FORGE_TOKEN/);
    expect(err.message).not.toContain('wrong-token-abcdef');
    expect(wrong.status()).toMatchObject({ ok: false });
  });

  it('refuses URLs with credentials and redacts URLs in messages', () => {
    expect(() => new RepoMirror({ gitDir: '/tmp/x', remoteUrl: 'https://user:secret@github.com/a/b.git' })).toThrow(/carries credentials; remove them and set MCPBOX_FORGE_TOKEN/);
    expect(redactUrl('https://user:pw@host.example/a/b.git?token=x#y')).toBe('https://host.example/a/b.git');
    expect(redactMessage('failed https://x:tok@h.example/r.git and Authorization: Basic dG9rZW4= too', ['tok'])).toBe('failed https://h.example/r.git and Authorization: Basic *** too');
  });
});
