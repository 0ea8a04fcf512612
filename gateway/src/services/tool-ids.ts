// Public ids of the management API: a server's id is its name, a tool's id is `<server>__<tool>`
// (names never contain a double underscore, so the split is unambiguous).
import { parseToolId } from '@mcpbox/core';
import { ToolError } from '../tools/tool-error.ts';

/** Core's parseToolId, with the refusal a management tool answers when the id is not one. */
export function splitToolId(id: string): { server: string; tool: string } {
  const parsed = parseToolId(id);
  if (parsed === undefined) {
    throw new ToolError('invalid_input', `"${id}" is not a tool id; tool ids look like "<server>__<tool>" (e.g. "examples__text_stats"). Call mcpbox_list_tools to see them.`);
  }
  return parsed;
}
