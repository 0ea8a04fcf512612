// Where the tools-repo template ships: the project's `tools-repo-template/` folder.
import { fileURLToPath } from 'node:url';

export const TEMPLATE_DIR = fileURLToPath(new URL('../../../tools-repo-template/', import.meta.url));

/** The identity of commits the gateway makes on its own (the first commit of a new repo). */
export const GATEWAY_IDENTITY = { name: 'mcpbox', email: 'mcpbox@localhost' } as const;
