import * as z from 'zod';
import { RequestOutcomeOutput, SecretName, ServerId, outcomeOutput } from '../services/changes/index.ts';
import { defineManagementTool } from './define-tool.ts';
import { PROPOSES_CHANGE, WRITE_WORKFLOW } from './write-workflow.ts';

export const createServerSecret = defineManagementTool({
  name: 'mcpbox_create_server_secret',
  title: 'Declare a server secret',
  description: `Declare a secret name (never a value) a server's tools need, e.g. an API token: opens a pull request (branch "mcpbox/secret/<server>__<NAME>") adding it to servers/<server>/server.yaml, or adds it to the server's draft when the server is not on main yet. After merging, an admin sets the value with \`mcpbox secret set\`; tools read it as secrets["NAME"]. You can never read secret values. ${WRITE_WORKFLOW}`,
  input: z.object({
    server_id: ServerId,
    key: SecretName,
    description: z.string().trim().max(500, 'the description is at most 500 characters').default('').describe('What the secret is, for the admin who sets it'),
  }),
  output: RequestOutcomeOutput,
  annotations: { ...PROPOSES_CHANGE, title: 'Declare a server secret' },
  async handler({ server_id, key, description }, { changes }) {
    return outcomeOutput(await changes.requests.declareSecret(server_id, key, description));
  },
});
