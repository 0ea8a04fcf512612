// The template's optional Pages jobs: off unless the repo owner turns them on, built from the
// pinned mcpbox source, and running the same compose and build commands this repo tests.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT } from './site-support.ts';

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
}
interface Workflow {
  on: { push: { branches: string[] } };
  jobs: Record<string, { if?: string; needs?: string; steps: Step[] }>;
}

function workflow(forge: '.github' | '.gitea'): Workflow {
  return parse(readFileSync(join(REPO_ROOT, 'tools-repo-template', forge, 'workflows/pages.yml'), 'utf8')) as Workflow;
}

describe.each(['.github', '.gitea'] as const)('%s pages workflow', (forge) => {
  const flow = workflow(forge);
  const [first] = Object.values(flow.jobs);
  const steps = first?.steps ?? [];
  const script = steps.map((s) => s.run ?? '').join('\n');

  it('runs on pushes to main only when MCPBOX_PAGES is true', () => {
    expect(flow.on.push.branches).toEqual(['main']);
    expect(first?.if).toBe("vars.MCPBOX_PAGES == 'true'");
  });

  it('builds from the pinned source with full history and telemetry off', () => {
    expect(steps.find((s) => s.uses?.startsWith('actions/checkout'))).toMatchObject({ with: { 'fetch-depth': 0, path: 'tools' } });
    expect(script).toContain('MCPBOX_PACKAGE');
    expect(script).not.toMatch(/npx\s+(--yes\s+)?mcpbox/);
    expect(script).toContain('node site/scripts/compose-data.ts --repo "$GITHUB_WORKSPACE/tools"');
    expect(script).toContain('npm run build -w site');
    expect(steps.find((s) => s.name === 'Build the status site')?.env?.['ASTRO_TELEMETRY_DISABLED']).toBe('1');
  });

  it('publishes the built dist/', () => {
    const text = readFileSync(join(REPO_ROOT, 'tools-repo-template', forge, 'workflows/pages.yml'), 'utf8');
    expect(text).toContain(forge === '.github' ? 'actions/deploy-pages' : 'git push -q -f');
    expect(text).toContain('site/dist');
  });
});
