// Errors a CLI verb throws to stop with a message and an exit code. main.ts prints the message
// as one line (never a stack trace) and exits with the code: 1 = failed, 2 = usage/configuration.
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

export class CliError extends Error {
  readonly code: 'failed' | 'usage';
  readonly exitCode: number;

  constructor(message: string, kind: 'failed' | 'usage' = 'failed') {
    super(message);
    this.name = 'CliError';
    this.code = kind;
    this.exitCode = kind === 'usage' ? EXIT_USAGE : EXIT_FAILED;
  }
}
