// What data.json says about each tool and about the reconciler, composed from a real repo: main
// ahead of the live revision, a disabled tool, an input table from the live schema, the PR a
// version came from, and the Ready / Reconciling / Stalled headline from a status.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalAdminForge, initRepo, readDesiredState, resolveCommit } from '@mcpbox/core';
import { ReconcilerStatusSchema, type LiveRevision, type ReconcilerStatus } from '@mcpbox/reconciler';
import { SiteDataComposer, type SiteSources } from '@mcpbox/site';
import { IDENTITY, TEMPLATE_DIR } from '../support/gateway-fixture.ts';
import { liveToolsOf, TestRegistry, TEXT_STATS_SCHEMA } from '../support/test-registry.ts';

const dir = mkdtempSync(join(tmpdir(), 'mcpbox-site-compose-'));
const repo = join(dir, 'repo.git');
const work = join(dir, 'work');
let live: LiveRevision;

function git(...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=Admin', '-c', 'user.email=admin@example.invalid', ...args], { cwd: work, encoding: 'utf8' }).trim();
}

function status(conditions: Array<[string, string, string, string]>): ReconcilerStatus {
  const at = new Date().toISOString();
  return ReconcilerStatusSchema.parse({
    observedRevision: null,
    lastAttemptedRevision: null,
    lastAppliedRevision: null,
    lastAppliedDigest: null,
    lastHandledReconcileAt: null,
    suspended: false,
    conditions: conditions.map(([type, s, reason, message]) => ({ type, status: s, reason, message, lastTransitionTime: at })),
    errors: [],
    history: [{ revision: 'a'.repeat(40), digest: null, duration_ms: 12, result: 'applied', at }],
    retry: null,
    failedRevision: null,
    tools: 1,
    updatedAt: at,
  });
}

beforeAll(async () => {
  await initRepo(repo, TEMPLATE_DIR, IDENTITY);
  const registry = new TestRegistry();
  const state = await readDesiredState(repo);
  live = registry.apply(state, liveToolsOf(state, { examples__text_stats: TEXT_STATS_SCHEMA }));
  execFileSync('git', ['clone', '-q', repo, work]);
  // main moves ahead of the live revision: text_stats changes, a disabled tool appears.
  writeFileSync(join(work, 'servers/examples/tools/text_stats.py'), 'async def main(text: str) -> dict:\n    """Count characters."""\n    return {"n": len(text)}\n');
  writeFileSync(join(work, 'servers/examples/tools/later.py'), 'async def main() -> dict:\n    """Not yet."""\n    return {}\n');
  writeFileSync(join(work, 'servers/examples/tools/later.yaml'), 'enabled: false\n');
  git('add', '-A');
  git('commit', '-q', '-m', 'Change text_stats, add a disabled tool');
  git('push', '-q', 'origin', 'HEAD:mcpbox/change');
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('composing the status data', () => {
  it('says which tools are live, pending or disabled, and names the PR a version came from', async () => {
    const admin = createLocalAdminForge({ gitDir: repo, identity: IDENTITY });
    const pull = await admin.openPullRequest({ branch: 'mcpbox/change', title: 'Change', body: 'Please.', kind: 'update_tool' });
    const merged = await admin.mergePullRequest({ number: pull.number });
    const main = await resolveCommit(repo, 'refs/heads/main');
    expect(merged.mergeCommit).toBe(main);

    const composer = new SiteDataComposer({ gitDir: repo });
    const sources: SiteSources = { source: 'gateway', mainRevision: main, live, status: null, pulls: await admin.listPullRequests({ state: 'all' }) };
    const data = await composer.compose(sources);
    const byId = new Map(data.tools.map((t) => [t.id, t]));
    expect(byId.get('examples__text_stats')).toMatchObject({ state: 'pending' });
    expect(byId.get('examples__text_stats')?.stateReason).toContain('previous version keeps serving');
    expect(byId.get('examples__later')).toMatchObject({ state: 'disabled' });
    expect(data.overview.live?.revision).toBe(live.revision);
    expect(data.overview.main?.revision).toBe(main);
    expect(data.pulls).toEqual([]);

    const tool = await composer.composeTool(sources, 'examples__text_stats');
    expect(tool?.params).toBeNull(); // main's code is not the live one: its schema is not derived yet
    expect(tool?.versions[0]).toMatchObject({ message: 'Change text_stats, add a disabled tool', pull: pull.number });
    expect(tool?.versions.at(-1)?.pull).toBeNull();
    expect(await composer.composeTool(sources, 'examples__missing')).toBeNull();

    // Against its own revision the live tool is live, with its input table from the live schema.
    const atLive = await composer.composeTool({ ...sources, mainRevision: live.revision }, 'examples__text_stats');
    expect(atLive).toMatchObject({ state: 'live', params: [{ name: 'text', type: 'string', required: true }, { name: 'top', type: 'integer', required: false, default: '5' }] });
  });

  it('heads the overview with Stalled, Reconciling or Ready and the reason', async () => {
    const composer = new SiteDataComposer({ gitDir: repo });
    const base: SiteSources = { source: 'gateway', mainRevision: live.revision, live, status: null, pulls: [] };
    const phase = async (s: ReconcilerStatus | null) => (await composer.compose({ ...base, status: s })).overview;
    expect(await phase(null)).toMatchObject({ phase: 'Unknown' });
    expect(await phase(status([['Ready', 'True', 'ReconciliationSucceeded', 'applied'], ['Reconciling', 'False', 'x', ''], ['Stalled', 'False', 'x', '']]))).toMatchObject({ phase: 'Ready', reason: 'ReconciliationSucceeded' });
    expect(await phase(status([['Ready', 'True', 'ReconciliationSucceeded', ''], ['Reconciling', 'True', 'Progressing', 'building'], ['Stalled', 'False', 'x', '']]))).toMatchObject({ phase: 'Reconciling', reason: 'Progressing' });
    expect(await phase(status([['Ready', 'False', 'ValidationFailed', 'bad yaml; still serving'], ['Reconciling', 'False', 'x', ''], ['Stalled', 'True', 'ValidationFailed', 'push a fix']]))).toMatchObject({
      phase: 'Stalled',
      reason: 'ValidationFailed',
      message: 'bad yaml; still serving; push a fix',
    });
    expect((await phase(status([['Ready', 'True', 'ReconciliationSucceeded', '']]))).reconciles).toHaveLength(1);
  });
});
