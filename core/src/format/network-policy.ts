// policy/network.yaml: which server may reach which host (and port), each grant with why.
import * as z from 'zod';
import { toCanonicalYaml } from './canonical-yaml.ts';
import { Host, Port, Reason, ServerName } from './field-types.ts';
import { EXPLAINED } from './issue-messages.ts';
import type { NetworkGrant, NetworkPolicy } from './model.ts';
import { readYamlFile, type YamlFileResult } from './yaml-file.ts';

export const NETWORK_POLICY_PATH = 'policy/network.yaml';

const GrantSchema = z
  .strictObject({ server: ServerName, host: Host, port: Port.optional(), reason: Reason })
  .describe('a mapping with `server`, `host`, optional `port` and `reason`');

export const NetworkPolicySchema = z.strictObject({
  grants: z
    .array(GrantSchema)
    .describe('a list of `- server: … host: … reason: …` entries (or `[]`)')
    .superRefine((grants, ctx) => {
      const seen = new Map<string, number>();
      grants.forEach((grant, index) => {
        const key = grantKey(grant);
        const first = seen.get(key);
        if (first === undefined) seen.set(key, index);
        else ctx.addIssue({ code: 'custom', path: [index, 'host'], params: EXPLAINED, message: `duplicate grant: server \`${grant.server}\` already has ${describeTarget(grant)} in \`grants[${first}]\` — keep one entry` });
      });
    })
    .default([]),
}) satisfies z.ZodType<NetworkPolicy>;

function grantKey(grant: NetworkGrant): string {
  return `${grant.server} ${grant.host} ${grant.port ?? '*'}`;
}

function describeTarget(grant: NetworkGrant): string {
  return grant.port === undefined ? `\`${grant.host}\`` : `\`${grant.host}\` port ${grant.port}`;
}

export function emptyNetworkPolicy(): NetworkPolicy {
  return { grants: [] };
}

export function parseNetworkPolicy(content: string, path: string = NETWORK_POLICY_PATH): YamlFileResult<NetworkPolicy> {
  return readYamlFile(path, content, NetworkPolicySchema);
}

export function serializeNetworkPolicy(value: NetworkPolicy): string {
  return toCanonicalYaml({
    grants: value.grants.map((grant) => ({ server: grant.server, host: grant.host, port: grant.port, reason: grant.reason })),
  });
}
