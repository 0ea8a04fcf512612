import { listRefs } from '../../git/refs.ts';
import type { Branch } from '../forge.ts';
import type { LocalForgeContext } from '../local-context.ts';

/** List every branch of the tools repo with its head commit. */
export async function listBranches(ctx: LocalForgeContext): Promise<Branch[]> {
  const refs = await listRefs(ctx.gitDir, 'refs/heads/');
  return refs.map((r) => ({ name: r.ref.slice('refs/heads/'.length), head: r.sha }));
}
