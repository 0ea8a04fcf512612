// servers/<server>/server.yaml: what the server is for and the names of the secrets its tools read.
// Secret values never live in the repo; the admin sets them with `mcpbox secret set`.
import * as z from 'zod';
import { toCanonicalYaml } from './canonical-yaml.ts';
import { Description, Flag, SecretName } from './field-types.ts';
import { EXPLAINED } from './issue-messages.ts';
import type { SecretDecl } from './model.ts';
import { readYamlFile, type YamlFileResult } from './yaml-file.ts';

export const SERVER_FILE_NAME = 'server.yaml';

/** The contents of a server.yaml (the ServerSpec of model.ts adds name, path and the tools). */
export interface ServerFile {
  description: string;
  enabled: boolean;
  secrets: SecretDecl[];
}

const SecretDeclSchema = z
  .strictObject({
    name: SecretName,
    description: z.string().trim().max(500).describe('a text of at most 500 characters').default(''),
  })
  .describe('a mapping with `name` and optional `description`');

export const ServerFileSchema = z.strictObject({
  description: Description,
  enabled: Flag.default(true),
  secrets: z
    .array(SecretDeclSchema)
    .describe('a list of `- name: SECRET_NAME` entries (or `[]`)')
    .superRefine((secrets, ctx) => {
      const seen = new Set<string>();
      secrets.forEach((secret, index) => {
        if (seen.has(secret.name)) ctx.addIssue({ code: 'custom', path: [index, 'name'], params: EXPLAINED, message: `secret \`${secret.name}\` is declared twice — keep one entry` });
        seen.add(secret.name);
      });
    })
    .default([]),
}) satisfies z.ZodType<ServerFile>;

export function parseServerFile(content: string, path: string): YamlFileResult<ServerFile> {
  return readYamlFile(path, content, ServerFileSchema);
}

export function serializeServerFile(value: ServerFile): string {
  return toCanonicalYaml({
    description: value.description,
    enabled: value.enabled,
    secrets: value.secrets.map((secret) => ({ name: secret.name, description: secret.description })),
  });
}
