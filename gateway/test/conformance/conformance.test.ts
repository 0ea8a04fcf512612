// The official MCP conformance suite against the real gateway, for both protocol revisions. Only
// the scenarios that apply to this server run; README.md beside this file lists the rest and why.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, startGateway, type GatewayFixture } from '../support/gateway-fixture.ts';

const run = promisify(execFile);
const CONFORMANCE = join(REPO_ROOT, 'node_modules/@modelcontextprotocol/conformance/dist/index.js');

/** Scenarios that must pass in full. */
const APPLICABLE: Record<'2025-11-25' | '2026-07-28', string[]> = {
  '2025-11-25': ['server-initialize', 'server-session-lifecycle', 'ping', 'tools-list', 'dns-rebinding-protection', 'server-sse-multiple-streams'],
  '2026-07-28': [
    'tools-list',
    'dns-rebinding-protection',
    'http-header-validation',
    'server-sse-multiple-streams',
    'sep-2164-resource-not-found',
    'input-required-result-missing-input-response',
    'input-required-result-unsupported-methods',
    'input-required-result-ignore-extra-params',
    'input-required-result-validate-input',
  ],
};

/** Scenarios that apply in part: every check passes except these, which need the suite's fixture tools. */
const PARTLY: Record<string, { version: string; fixtureChecks: string[] }> = {
  'server-stateless': {
    version: '2026-07-28',
    fixtureChecks: [
      'sep-2575-server-rejects-undeclared-capability',
      'sep-2575-missing-capability-http-400',
      'sep-2575-http-server-no-independent-requests-on-stream',
      'sep-2575-server-no-log-without-loglevel',
    ],
  },
};

interface Check {
  id: string;
  status: 'SUCCESS' | 'FAILURE' | 'WARNING' | 'INFO' | 'SKIPPED';
  errorMessage?: string;
}

let fx: GatewayFixture;
let out: string;
beforeAll(async () => {
  fx = await startGateway();
  out = mkdtempSync(join(tmpdir(), 'mcpbox-conformance-'));
});
afterAll(async () => {
  await fx?.close();
  if (out) rmSync(out, { recursive: true, force: true });
});

async function runScenario(scenario: string, version: string): Promise<Check[]> {
  const dir = join(out, `${version}-${scenario}`);
  // Exit code 1 just means "some check failed"; the checks file says which.
  await run(process.execPath, [CONFORMANCE, 'server', '--url', fx.url, '--scenario', scenario, '--spec-version', version, '-o', dir], {
    timeout: 60_000,
  }).catch((err: { code?: number }) => {
    if (typeof err.code !== 'number') throw err;
  });
  const [sub] = readdirSync(dir);
  if (sub === undefined) throw new Error(`conformance wrote no results for ${scenario}`);
  return JSON.parse(readFileSync(join(dir, sub, 'checks.json'), 'utf8')) as Check[];
}

for (const version of ['2025-11-25', '2026-07-28'] as const) {
  describe(`conformance ${version}`, () => {
    for (const scenario of APPLICABLE[version]) {
      it(scenario, async () => {
        const checks = await runScenario(scenario, version);
        expect(checks.length).toBeGreaterThan(0);
        const failed = checks.filter((c) => c.status === 'FAILURE').map((c) => `${c.id}: ${c.errorMessage ?? ''}`);
        expect(failed).toEqual([]);
      });
    }
  });
}

describe('conformance, scenarios that apply in part', () => {
  for (const [scenario, { version, fixtureChecks }] of Object.entries(PARTLY)) {
    it(`${scenario} (${version}): only fixture-tool checks fail`, async () => {
      const checks = await runScenario(scenario, version);
      const failed = checks.filter((c) => c.status === 'FAILURE').map((c) => c.id).sort();
      expect(failed).toEqual([...fixtureChecks].sort());
      expect(checks.filter((c) => c.status === 'SUCCESS').length).toBeGreaterThanOrEqual(20);
    });
  }
});
