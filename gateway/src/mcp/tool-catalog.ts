// Everything `tools/list` and `tools/call` serve: the management tools, then the live Python
// tools. Both read their sources at request time, so a registry swap is visible at once.
import { ProtocolError, ProtocolErrorCode, type CallToolResult, type Tool } from '@modelcontextprotocol/server';
import type { ManagementToolSet } from './management-tools.ts';
import type { PythonToolSet } from './python-tools.ts';

export class ToolCatalog {
  private readonly management: ManagementToolSet;
  private readonly python: PythonToolSet;

  constructor(management: ManagementToolSet, python: PythonToolSet) {
    this.management = management;
    this.python = python;
  }

  list(): Tool[] {
    return [...this.management.list(), ...this.python.list()];
  }

  async call(name: string, args: Record<string, unknown> | undefined): Promise<CallToolResult> {
    if (this.management.has(name)) return this.management.call(name, args);
    if (this.python.has(name)) return this.python.call(name, args);
    // The spec's answer to an unknown tool is a protocol error, not a tool result.
    throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Unknown tool: ${name}. Call tools/list to see the tools; new tools appear after their pull request is merged.`);
  }
}
