// A configuration problem that stops start-up. The message is one line naming the variable, what
// was expected and what was found, so `mcpbox up` can print it as is and exit.
export class ConfigError extends Error {
  readonly code = 'config_invalid';
  readonly variable: string;

  constructor(variable: string, message: string) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
    this.variable = variable;
  }
}
