// servers/<server>/sources/<name>.yaml: an external MCP server whose tools are proxied through this
// server. Credentials are referenced by secret name (declared in server.yaml), never written here.
import * as z from 'zod';
import { toCanonicalYaml } from './canonical-yaml.ts';
import { HeaderName, HttpUrl, SecretName } from './field-types.ts';
import { EXPLAINED } from './issue-messages.ts';
import type { SourceSpec } from './model.ts';
import { readYamlFile, type YamlFileResult } from './yaml-file.ts';

/** The contents of a source file (the SourceSpec of model.ts adds server, name, path and blob). */
export interface SourceFile {
  url: string;
  transport: SourceSpec['transport'];
  auth: SourceSpec['auth'];
}

const AuthSchema = z
  .strictObject({
    type: z.enum(['none', 'bearer', 'header']).describe('one of `none`, `bearer`, `header`'),
    header: HeaderName.optional(),
    secret: SecretName.optional(),
  })
  .describe('a mapping with `type` (none, bearer or header) and, for bearer/header, `secret`')
  .superRefine((auth, ctx) => {
    const needsSecret = auth.type !== 'none';
    if (needsSecret && auth.secret === undefined) {
      ctx.addIssue({ code: 'custom', path: ['type'], params: EXPLAINED, message: `auth type \`${auth.type}\` needs \`secret\`: the name of a secret declared in server.yaml` });
    }
    if (!needsSecret && auth.secret !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['secret'], params: EXPLAINED, message: 'auth type `none` takes no `secret` — remove it or use type `bearer` or `header`' });
    }
    if (auth.type === 'header' && auth.header === undefined) {
      ctx.addIssue({ code: 'custom', path: ['type'], params: EXPLAINED, message: 'auth type `header` needs `header`: the HTTP header that carries the secret, e.g. X-Api-Key' });
    }
    if (auth.type !== 'header' && auth.header !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['header'], params: EXPLAINED, message: `auth type \`${auth.type}\` takes no \`header\` — remove it or use type \`header\`` });
    }
  });

const SourceFileFields = z.strictObject({
  url: HttpUrl,
  transport: z.literal('streamable_http').describe('`streamable_http` (the only transport supported)').default('streamable_http'),
  auth: AuthSchema.default({ type: 'none' }),
});

export const SourceFileSchema = SourceFileFields.transform((file): SourceFile => ({ url: file.url, transport: file.transport, auth: toAuth(file.auth) }));

function toAuth(auth: z.output<typeof AuthSchema>): SourceSpec['auth'] {
  if (auth.type === 'bearer') return { type: 'bearer', secret: auth.secret ?? '' };
  if (auth.type === 'header') return { type: 'header', header: auth.header ?? '', secret: auth.secret ?? '' };
  return { type: 'none' };
}

export function parseSourceFile(content: string, path: string): YamlFileResult<SourceFile> {
  return readYamlFile(path, content, SourceFileSchema);
}

export function serializeSourceFile(value: SourceFile): string {
  const auth = value.auth;
  return toCanonicalYaml({
    url: value.url,
    transport: value.transport,
    auth: { type: auth.type, header: auth.type === 'header' ? auth.header : undefined, secret: auth.type === 'none' ? undefined : auth.secret },
  });
}
