// policy/modules.yaml: Python modules a tool may import beyond the built-in safe set, each with why.
import * as z from 'zod';
import { toCanonicalYaml } from './canonical-yaml.ts';
import { ModuleName, Reason } from './field-types.ts';
import { EXPLAINED } from './issue-messages.ts';
import type { ModulesPolicy } from './model.ts';
import { readYamlFile, type YamlFileResult } from './yaml-file.ts';

export const MODULES_POLICY_PATH = 'policy/modules.yaml';

const ModuleGrant = z.strictObject({ name: ModuleName, reason: Reason }).describe('a mapping with `name` and `reason`');

export const ModulesPolicySchema = z.strictObject({
  allowed: z
    .array(ModuleGrant)
    .describe('a list of `- name: <module>` / `reason: <why>` entries (or `[]`)')
    .superRefine((entries, ctx) => {
      const seen = new Map<string, number>();
      entries.forEach((entry, index) => {
        const first = seen.get(entry.name);
        if (first === undefined) seen.set(entry.name, index);
        else ctx.addIssue({ code: 'custom', path: [index, 'name'], params: EXPLAINED, message: `module \`${entry.name}\` is listed twice (first as \`allowed[${first}]\`) — keep one entry` });
      });
    })
    .default([]),
}) satisfies z.ZodType<ModulesPolicy>;

export function emptyModulesPolicy(): ModulesPolicy {
  return { allowed: [] };
}

export function parseModulesPolicy(content: string, path: string = MODULES_POLICY_PATH): YamlFileResult<ModulesPolicy> {
  return readYamlFile(path, content, ModulesPolicySchema);
}

export function serializeModulesPolicy(value: ModulesPolicy): string {
  return toCanonicalYaml({ allowed: value.allowed.map((entry) => ({ name: entry.name, reason: entry.reason })) });
}
