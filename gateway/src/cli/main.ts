// Entry of the `mcpbox` command (bin/mcpbox.js imports this file). A long-running verb (up,
// stdio) resolves only when it is done serving.
import { runCli } from './program.ts';

process.exitCode = await runCli(process.argv.slice(2));
