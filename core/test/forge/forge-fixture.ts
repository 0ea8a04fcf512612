// A fresh embedded tools repo with a branch forge (gateway) and an admin forge (CLI) over it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLocalAdminForge, createLocalBranchForge } from '../../src/forge/index.ts';
import { initRepo } from '../../src/repo/index.ts';
import type { TempRepos } from '../git/temp-repo.ts';

export const gatewayIdentity = { name: 'mcpbox gateway', email: 'gateway@mcpbox.local' };
export const adminIdentity = { name: 'Ada Admin', email: 'ada@example.org' };

let n = 0;
export async function forgeFixture(temp: TempRepos) {
  const template = join(temp.root, `template-${n}`);
  mkdirSync(join(template, 'servers', 'weather', 'tools'), { recursive: true });
  writeFileSync(join(template, 'mcpbox.yaml'), 'apiVersion: mcpbox/v1\n');
  writeFileSync(join(template, 'servers', 'weather', 'server.yaml'), 'description: Weather\n');
  writeFileSync(join(template, 'servers', 'weather', 'tools', 'forecast.py'), 'async def main(city: str) -> dict:\n    return {"city": city}\n');
  const { gitDir } = await initRepo(join(temp.root, `forge-${n++}.git`), template, adminIdentity);
  return {
    gitDir,
    gateway: createLocalBranchForge({ gitDir, identity: gatewayIdentity }),
    admin: createLocalAdminForge({ gitDir, identity: adminIdentity }),
  };
}
