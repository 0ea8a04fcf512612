// Webhooks against real HTTP: a fake forge with a real bare repo, a real mirror, and a poke that
// fetches the mirror the way the reconciler does. Refused deliveries must cause no fetch at all.
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitHubForge, type GitHubForge } from '@mcpbox/core';
import { ADMIN_TOKEN, BOT_TOKEN, startForgeFixture, type ForgeFixture } from '../../../core/test/forge-remote/forge-fixture.ts';
import { signBody } from '../../src/http/webhooks/forge-signature.ts';
import { PokeScheduler } from '../../src/http/webhooks/poke-scheduler.ts';
import { webhookRoutes } from '../../src/http/webhooks/webhook-routes.ts';

const SECRET = 'webhook-secret-for-tests';
let fx: ForgeFixture;
let app: FastifyInstance;
let base: string;
let pokes: PokeScheduler;
const pokeReasons: string[] = [];
let admin: GitHubForge;
let bot: GitHubForge;

/** git requests the forge has served: each fetch makes at least one. */
const gitRequests = () => fx.forge.requests.filter((r) => r.dialect === 'git').length;

beforeAll(async () => {
  fx = await startForgeFixture();
  await fx.mirror.fetch();
  pokes = new PokeScheduler({
    poke: (reason) => {
      pokeReasons.push(reason);
      void fx.mirror.fetch().catch(() => {});
    },
    has: (sha) => fx.mirror.has(sha),
    retryDelaysMs: [150, 300, 600, 1200, 2400],
  });
  app = Fastify({ logger: false });
  await app.register(webhookRoutes, { secret: SECRET, pokes, bodyLimit: 64 * 1024 });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  bot = createGitHubForge({ apiUrl: fx.forge.githubApiUrl, owner: 'acme', repo: 'tools', token: BOT_TOKEN, mirror: fx.mirror });
  admin = createGitHubForge({ apiUrl: fx.forge.githubApiUrl, owner: 'acme', repo: 'tools', token: ADMIN_TOKEN, mirror: fx.mirror });
});

afterAll(async () => {
  pokes?.close();
  await app?.close();
  await fx?.cleanup();
});

function post(path: string, body: string, headers: Record<string, string>) {
  return fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
}

const pushBody = (after: string) => JSON.stringify({ ref: 'refs/heads/main', before: '0'.repeat(40), after, repository: { full_name: 'acme/tools' } });

async function mergeSomething(name: string): Promise<string> {
  const branch = `mcpbox/${name}`;
  await bot.createBranch({ branch });
  await bot.commitChanges({ branch, message: name, changes: [{ path: `${name}.txt`, content: `${name}\n` }] });
  const pr = await bot.openPullRequest({ branch, title: name, body: '' });
  return (await admin.mergePullRequest({ number: pr.number })).mergeCommit!;
}

async function until(check: () => Promise<boolean> | boolean, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('webhook signatures', () => {
  it("matches GitHub's documented test vector", () => {
    expect(signBody("It's a Secret to Everybody", 'Hello, World!')).toBe('757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17');
  });
});

describe('refused deliveries cause no fetch', () => {
  it('refuses missing, malformed, wrong and re-serialised signatures, replays and oversized bodies', async () => {
    const before = gitRequests();
    const pokesBefore = pokeReasons.length;
    const body = pushBody('1'.repeat(40));
    const pretty = JSON.stringify(JSON.parse(body), null, 2);
    const cases: Array<[string, Response, number, RegExp]> = [];
    const run = async (label: string, res: Promise<Response>, status: number, message: RegExp) => cases.push([label, await res, status, message]);

    await run('missing', post('/webhooks/github', body, { 'x-github-event': 'push', 'x-github-delivery': randomUUID() }), 401, /no X-Hub-Signature-256 header/);
    await run('malformed', post('/webhooks/github', body, { 'x-github-event': 'push', 'x-github-delivery': randomUUID(), 'x-hub-signature-256': 'sha256=xyz' }), 401, /malformed/);
    await run('wrong secret', post('/webhooks/github', body, { 'x-github-event': 'push', 'x-github-delivery': randomUUID(), 'x-hub-signature-256': `sha256=${signBody('other', body)}` }), 401, /does not match/);
    await run('re-serialised', post('/webhooks/github', body, { 'x-github-event': 'push', 'x-github-delivery': randomUUID(), 'x-hub-signature-256': `sha256=${signBody(SECRET, pretty)}` }), 401, /does not match/);
    await run('gitea wrong', post('/webhooks/gitea', body, { 'x-gitea-event': 'push', 'x-gitea-delivery': randomUUID(), 'x-gitea-signature': signBody('other', body) }), 401, /does not match/);
    await run('github header on the gitea route only as a fallback', post('/webhooks/gitea', body, { 'x-gitea-event': 'push', 'x-gitea-delivery': randomUUID() }), 401, /no X-Gitea-Signature or X-Forgejo-Signature/);
    const big = JSON.stringify({ ref: 'refs/heads/main', pad: 'x'.repeat(70 * 1024) });
    await run('oversized', post('/webhooks/github', big, { 'x-github-event': 'push', 'x-github-delivery': randomUUID(), 'x-hub-signature-256': `sha256=${signBody(SECRET, big)}` }), 413, /too large/);
    await run('no delivery id', post('/webhooks/github', body, { 'x-github-event': 'push', 'x-hub-signature-256': `sha256=${signBody(SECRET, body)}` }), 400, /no delivery id/);

    for (const [label, res, status, message] of cases) {
      expect({ label, status: res.status }).toEqual({ label, status });
      expect(((await res.json()) as { error: string }).error).toMatch(message);
    }
    // Give a wrongly accepted poke time to reach the forge before asserting nothing happened.
    await new Promise((r) => setTimeout(r, 300));
    expect(pokeReasons.length).toBe(pokesBefore);
    expect(gitRequests()).toBe(before);
  });

  it('accepts a delivery once; the replay is refused and does not fetch', async () => {
    const body = pushBody('2'.repeat(40));
    const headers = { 'x-github-event': 'push', 'x-github-delivery': randomUUID(), 'x-hub-signature-256': `sha256=${signBody(SECRET, body)}` };
    expect((await post('/webhooks/github', body, headers)).status).toBe(202);
    await until(() => pokeReasons.some((r) => r.includes(headers['x-github-delivery'])));
    pokes.close(); // stop the hint retries of this made-up sha before counting
    await fx.mirror.fetch(); // joins the poke's fetch if it is still running, so it is not counted below
    const before = gitRequests();
    const pokesBefore = pokeReasons.length;
    const replay = await post('/webhooks/github', body, headers);
    expect(replay.status).toBe(409);
    expect(((await replay.json()) as { error: string }).error).toMatch(/already received/);
    await new Promise((r) => setTimeout(r, 300));
    expect(gitRequests()).toBe(before);
    expect(pokeReasons.length).toBe(pokesBefore);
  });
});

describe('accepted deliveries poke a fetch', () => {
  beforeAll(() => {
    pokes = new PokeScheduler({
      poke: (reason) => {
        pokeReasons.push(reason);
        void fx.mirror.fetch().catch(() => {});
      },
      has: (sha) => fx.mirror.has(sha),
      retryDelaysMs: [150, 300, 600, 1200, 2400],
    });
  });

  it('a merge on the forge reaches the mirror through its signed GitHub, Gitea and Forgejo webhooks', async () => {
    // The routes hold the scheduler given at registration: re-register on a second app for this block.
    const second = Fastify({ logger: false });
    await second.register(webhookRoutes, { secret: SECRET, pokes });
    const url = await second.listen({ host: '127.0.0.1', port: 0 });
    try {
      for (const dialect of ['github', 'gitea', 'forgejo'] as const) {
        fx.forge.webhooks.splice(0, fx.forge.webhooks.length, { url: `${url}/webhooks/${dialect === 'github' ? 'github' : 'gitea'}`, secret: SECRET, dialect });
        const merged = await mergeSomething(`hook-${dialect}`);
        await until(() => fx.mirror.has(merged));
        expect(fx.forge.deliveries.at(-1)).toMatchObject({ status: 202 });
      }
    } finally {
      fx.forge.webhooks.splice(0);
      await second.close();
    }
  });

  it('a webhook that arrives before the commit is fetchable is retried until the mirror has it', async () => {
    const second = Fastify({ logger: false });
    await second.register(webhookRoutes, { secret: SECRET, pokes });
    const url = await second.listen({ host: '127.0.0.1', port: 0 });
    fx.forge.webhooks.splice(0, fx.forge.webhooks.length, { url: `${url}/webhooks/github`, secret: SECRET, dialect: 'github' });
    fx.forge.webhookBeforeMerge = true;
    try {
      // Merge through the API directly: the adapter would refresh the shared mirror by itself.
      const branch = 'mcpbox/early';
      await bot.createBranch({ branch });
      await bot.commitChanges({ branch, message: 'early', changes: [{ path: 'early.txt', content: 'early\n' }] });
      const pr = await bot.openPullRequest({ branch, title: 'early', body: '' });
      const res = await fetch(`${fx.forge.githubApiUrl}/repos/acme/tools/pulls/${pr.number}/merge`, { method: 'PUT', headers: { authorization: `token ${ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ merge_method: 'merge' }) });
      const merged = ((await res.json()) as { sha: string }).sha;
      await until(() => fx.mirror.has(merged));
      expect(pokeReasons.some((r) => /retry \d+: [0-9a-f]{12} not fetched yet/.test(r))).toBe(true);
    } finally {
      fx.forge.webhookBeforeMerge = false;
      fx.forge.webhooks.splice(0);
      await second.close();
    }
  });
});
