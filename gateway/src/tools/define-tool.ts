// The shape of one `mcpbox_*` management tool: its zod input and output, the description that
// teaches the LLM the workflow, and a short handler that calls services. One tool per file.
import type * as z from 'zod';
import type { ToolAnnotations } from '@mcpbox/core';
import type { ToolServices } from '../services/tool-services.ts';

export interface ManagementTool<I extends z.ZodObject = z.ZodObject, O extends z.ZodObject = z.ZodObject> {
  name: `mcpbox_${string}`;
  title: string;
  description: string;
  input: I;
  output: O;
  annotations: ToolAnnotations;
  handler: (input: z.output<I>, services: ToolServices) => Promise<z.input<O>>;
}

/** Identity function that keeps the input/output types of a tool definition tied together. */
export function defineManagementTool<I extends z.ZodObject, O extends z.ZodObject>(tool: ManagementTool<I, O>): ManagementTool<I, O> {
  return tool;
}

/** Annotations shared by every tool that only reads `main`. */
export const READ_ONLY: ToolAnnotations = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };
