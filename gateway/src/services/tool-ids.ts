// Public ids of the management API: a server's id is its name, a tool's id is `<server>__<tool>`
// (names never contain a double underscore, so the split is unambiguous).
import { ToolError } from '../tools/tool-error.ts';

export function toolId(server: string, tool: string): string {
  return `${server}__${tool}`;
}

export function splitToolId(id: string): { server: string; tool: string } {
  const at = id.indexOf('__');
  if (at <= 0 || at + 2 >= id.length) {
    throw new ToolError('invalid_input', `"${id}" is not a tool id; tool ids look like "<server>__<tool>" (e.g. "examples__text_stats"). Call mcpbox_list_tools to see them.`);
  }
  return { server: id.slice(0, at), tool: id.slice(at + 2) };
}
