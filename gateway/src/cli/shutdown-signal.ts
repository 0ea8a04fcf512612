// Long-running verbs serve until SIGINT/SIGTERM (or another end condition). A second signal while
// shutting down exits at once, for a person pressing Ctrl-C twice.
export function untilShutdown(extra: Array<(stop: () => void) => void> = []): Promise<string> {
  return new Promise((resolve) => {
    let stopping = false;
    const stop = (reason: string) => {
      if (stopping) process.exit(130);
      stopping = true;
      resolve(reason);
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
    for (const hook of extra) hook(() => stop('end of input'));
  });
}
