// How tool outcomes become MCP `tools/call` results: JSON text for every client plus
// `structuredContent` for clients that read it; failures are `isError` results whose text tells
// the caller what to do next. Never a stack trace.
import type { CallToolResult } from '@modelcontextprotocol/server';

export function jsonResult(value: unknown, meta?: Record<string, unknown>): CallToolResult {
  const structured = isPlainObject(value) ? value : undefined;
  return {
    content: [{ type: 'text', text: JSON.stringify(value, null, 2) ?? 'null' }],
    ...(structured === undefined ? {} : { structuredContent: structured }),
    ...(meta === undefined ? {} : { _meta: meta }),
  };
}

export function errorResult(message: string, meta?: Record<string, unknown>): CallToolResult {
  return {
    content: [{ type: 'text', text: `Error: ${message}` }],
    isError: true,
    ...(meta === undefined ? {} : { _meta: meta }),
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
