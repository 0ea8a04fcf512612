import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLocalBranchForge } from '../../src/forge/index.ts';
import { initRepo, readDesiredState } from '../../src/repo/index.ts';
import { git, tempRepos } from '../git/temp-repo.ts';

const temp = tempRepos('mcpbox-desired-');
afterAll(() => temp.cleanup());
const templateDir = join(import.meta.dirname, '../../../tools-repo-template');
const identity = { name: 'Admin', email: 'admin@example.org' };

describe('readDesiredState', () => {
  it('reads main of a fresh repo from the project template as a clean desired state', async () => {
    const { gitDir, main } = await initRepo(join(temp.root, 'repo.git'), templateDir, identity);
    const state = await readDesiredState(gitDir);
    expect(state.revision).toBe(main);
    expect(state.problems.filter((p) => p.severity === 'error')).toEqual([]);
    const tool = state.servers.examples?.tools.text_stats;
    expect(tool?.id).toBe('examples__text_stats');
    expect(tool?.codeBlob).toBe(git(gitDir, 'rev-parse', 'main:servers/examples/tools/text_stats.py'));
    expect(state.blobs['mcpbox.yaml']).toBe(git(gitDir, 'rev-parse', 'main:mcpbox.yaml'));
  });

  it('reads a branch revision, reporting a broken file with its path instead of throwing', async () => {
    const { gitDir } = await initRepo(join(temp.root, 'repo2.git'), templateDir, identity);
    const forge = createLocalBranchForge({ gitDir, identity });
    await forge.createBranch({ branch: 'mcpbox/weather' });
    const { commit } = await forge.commitChanges({
      branch: 'mcpbox/weather',
      changes: [
        { path: 'servers/weather/server.yaml', content: 'description: Weather\nenabled: true\nsecrets: []\n' },
        { path: 'servers/weather/tools/forecast.py', content: 'async def main(city: str) -> dict:\n    """Forecast."""\n    return {"city": city}\n' },
        { path: 'servers/weather/tools/forecast.yaml', content: 'timeout_ms: [not a number\n' },
      ],
      message: 'Add weather',
    });
    const state = await readDesiredState(gitDir, 'mcpbox/weather');
    expect(state.revision).toBe(commit);
    expect(state.servers.weather?.tools.forecast?.code).toContain('async def main');
    expect(state.problems.some((p) => p.file === 'servers/weather/tools/forecast.yaml' && p.severity === 'error')).toBe(true);
    // main is untouched and still clean
    expect((await readDesiredState(gitDir)).servers.weather).toBeUndefined();
    await expect(readDesiredState(gitDir, 'mcpbox/none')).rejects.toMatchObject({ code: 'not_found' });
  });
});
