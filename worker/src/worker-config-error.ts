// A configuration value the Worker cannot run with: which variable, and what to do about it.
export class WorkerConfigError extends Error {
  readonly variable: string;
  readonly detail: string;
  constructor(variable: string, detail: string) {
    super(`${variable}: ${detail}`);
    this.name = 'WorkerConfigError';
    this.variable = variable;
    this.detail = detail;
  }
}
