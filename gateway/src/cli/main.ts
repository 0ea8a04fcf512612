// Entry of the `mcpbox` command (bin/mcpbox.js imports this file). A long-running verb (up,
// stdio) resolves only when it is done serving.
import { runCli } from './program.ts';

// `mcpbox pr show 3 | head` or `mcpbox logs | head` close the pipe early: that is the reader's
// choice, not a failure, for every verb.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

process.exitCode = await runCli(process.argv.slice(2));
