// Serves the `mcpbox_*` management tools over MCP: their advertised definitions (JSON Schema
// derived once from the zod schemas) and calls, with input checked and every failure wrapped.
import * as z from 'zod';
import type { CallToolResult, Tool } from '@modelcontextprotocol/server';
import type { ManagementTool } from '../tools/define-tool.ts';
import { ToolError } from '../tools/tool-error.ts';
import type { ToolServices } from '../services/tool-services.ts';
import { errorResult, jsonResult } from './tool-results.ts';

export interface FailureLog {
  (err: unknown, context: { tool: string }): void;
}

export class ManagementToolSet {
  private readonly byName = new Map<string, ManagementTool>();
  private readonly definitions: Tool[];
  private readonly services: ToolServices;
  private readonly logFailure: FailureLog;

  constructor(tools: readonly ManagementTool[], services: ToolServices, logFailure: FailureLog) {
    this.services = services;
    this.logFailure = logFailure;
    for (const tool of tools) this.byName.set(tool.name, tool);
    this.definitions = tools.map((tool) => ({
      name: tool.name,
      title: tool.title,
      description: tool.description,
      inputSchema: z.toJSONSchema(tool.input, { io: 'input' }) as Tool['inputSchema'],
      outputSchema: z.toJSONSchema(tool.output, { io: 'output' }) as Tool['outputSchema'],
      annotations: tool.annotations,
    }));
  }

  list(): Tool[] {
    return this.definitions;
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  async call(name: string, args: Record<string, unknown> | undefined): Promise<CallToolResult> {
    const tool = this.byName.get(name);
    if (tool === undefined) return errorResult(`Unknown management tool "${name}". Call tools/list to see the tools.`);
    const input = tool.input.safeParse(args ?? {});
    if (!input.success) {
      const where = input.error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : 'arguments'}: ${i.message}`).join('; ');
      return errorResult(`Invalid arguments for ${name}: ${where}. Check the tool's input schema and call it again.`);
    }
    try {
      return jsonResult(await tool.handler(input.data, this.services));
    } catch (err) {
      if (err instanceof ToolError) return errorResult(err.message);
      this.logFailure(err, { tool: name });
      return errorResult(`${name} failed unexpectedly on the gateway (the failure is in the gateway log). Try again; if it keeps failing, ask the admin to check the gateway log.`);
    }
  }
}
