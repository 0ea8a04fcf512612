// Git and forge failures as the LLM should read them: a ToolError whose message says what went
// wrong and what to do next. Anything unexpected is rethrown so the MCP layer logs it and answers
// with its generic message (never a stack trace).
import { ForgeError, GitError } from '@mcpbox/core';
import { ToolError } from '../../tools/tool-error.ts';

function asToolError(err: unknown): unknown {
  if (err instanceof ToolError) return err;
  if (err instanceof GitError) {
    switch (err.code) {
      case 'not_found':
        return new ToolError('not_found', err.message);
      case 'conflict':
        return new ToolError('conflict', `${err.message}${err.paths.length > 0 ? ` Conflicting files: ${err.paths.join(', ')}.` : ''}`);
      case 'invalid_ref':
      case 'invalid_path':
      case 'invalid_argument':
      case 'forbidden_ref':
        return new ToolError('invalid_input', err.message);
      case 'locked':
      case 'repo_missing':
        return new ToolError('unavailable', `${err.message} Try again in a moment.`);
      default:
        return err;
    }
  }
  if (err instanceof ForgeError) {
    if (err.code === 'not_found') return new ToolError('not_found', err.message);
    if (err.code === 'invalid_state') return new ToolError('conflict', err.message);
    return new ToolError('invalid_input', err.message);
  }
  return err;
}

/** Runs `work`, turning git and forge failures into ToolErrors. */
export async function translated<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw asToolError(err);
  }
}
