// The error a management tool throws when the caller asked for something that cannot be done.
// The message always tells the LLM what to do next; it reaches the client as an `isError` result.
export type ToolErrorCode = 'not_found' | 'invalid_input' | 'conflict' | 'unavailable' | 'internal';

export class ToolError extends Error {
  readonly code: ToolErrorCode;

  constructor(code: ToolErrorCode, message: string) {
    super(message);
    this.name = 'ToolError';
    this.code = code;
  }
}
