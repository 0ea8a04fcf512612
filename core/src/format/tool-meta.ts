// servers/<server>/tools/<tool>.yaml: optional settings beside a tool's code. Without it the tool's
// description comes from `main`'s docstring and its timeout from mcpbox.yaml.
import * as z from 'zod';
import { toCanonicalYaml } from './canonical-yaml.ts';
import { Description, Flag, TimeoutMs } from './field-types.ts';
import type { ToolAnnotations, ToolMeta } from './model.ts';
import { readYamlFile, type YamlFileResult } from './yaml-file.ts';

const Hint = Flag;

export const ToolAnnotationsSchema = z
  .strictObject({
    title: z.string().trim().min(1).max(200).describe('a non-empty text of at most 200 characters').optional(),
    readOnlyHint: Hint.optional(),
    destructiveHint: Hint.optional(),
    idempotentHint: Hint.optional(),
    openWorldHint: Hint.optional(),
  })
  .describe('a mapping of MCP annotations: `title`, `readOnlyHint`, `destructiveHint`, `idempotentHint`, `openWorldHint`') satisfies z.ZodType<ToolAnnotations>;

export const ToolMetaSchema = z.strictObject({
  description: Description.optional(),
  timeout_ms: TimeoutMs.optional(),
  enabled: Flag.default(true),
  annotations: ToolAnnotationsSchema.optional(),
}) satisfies z.ZodType<ToolMeta>;

/** The settings of a tool that has no .yaml beside its code. */
export function defaultToolMeta(): ToolMeta {
  return { enabled: true };
}

export function parseToolMeta(content: string, path: string): YamlFileResult<ToolMeta> {
  return readYamlFile(path, content, ToolMetaSchema);
}

export function serializeToolMeta(value: ToolMeta): string {
  const annotations = value.annotations;
  return toCanonicalYaml({
    description: value.description,
    timeout_ms: value.timeout_ms,
    enabled: value.enabled,
    annotations: annotations && {
      title: annotations.title,
      readOnlyHint: annotations.readOnlyHint,
      destructiveHint: annotations.destructiveHint,
      idempotentHint: annotations.idempotentHint,
      openWorldHint: annotations.openWorldHint,
    },
  });
}
