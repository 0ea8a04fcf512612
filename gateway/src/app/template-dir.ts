// Where the tools-repo template ships: the project's `tools-repo-template/` folder.
import { fileURLToPath } from 'node:url';

export const TEMPLATE_DIR = fileURLToPath(new URL('../../../tools-repo-template/', import.meta.url));

/** Commits the gateway makes on its own (the first commit of a new repo) carry the identity of its branch writes. */
export { GATEWAY_IDENTITY } from '../services/changes/branch-writer.ts';
