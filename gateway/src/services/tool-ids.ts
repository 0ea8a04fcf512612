// Public ids of the management API: a server's id is its name, a tool's id is `<server>__<tool>`
// (names never contain a double underscore, so the split is unambiguous).
import { TOOL_ID_SEPARATOR } from '@mcpbox/core';
import { ToolError } from '../tools/tool-error.ts';

export function splitToolId(id: string): { server: string; tool: string } {
  // Only the shape is checked here; an id with a malformed name is answered as "not found" by the lookup.
  const at = id.indexOf(TOOL_ID_SEPARATOR);
  if (at <= 0 || at + TOOL_ID_SEPARATOR.length >= id.length) {
    throw new ToolError('invalid_input', `"${id}" is not a tool id; tool ids look like "<server>__<tool>" (e.g. "examples__text_stats"). Call mcpbox_list_tools to see them.`);
  }
  return { server: id.slice(0, at), tool: id.slice(at + TOOL_ID_SEPARATOR.length) };
}
