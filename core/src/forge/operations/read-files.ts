import * as z from 'zod';
import type { RepoFile } from '../../format/model.ts';
import { readTree } from '../../git/read-tree.ts';
import { parseInput } from '../errors.ts';
import type { LocalForgeContext } from '../local-context.ts';

const readFilesInput = z.object({ ref: z.string().min(1).max(200) });

/** Read every file of a branch or commit (reading main is always allowed). */
export async function readFiles(ctx: LocalForgeContext, raw: unknown): Promise<{ commit: string; files: RepoFile[] }> {
  const input = parseInput('readFiles', readFilesInput, raw);
  return readTree(ctx.gitDir, input.ref);
}
