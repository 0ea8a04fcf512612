import * as z from 'zod';
import { Justification, ModuleName, RequestOutcomeOutput, ToolId, outcomeOutput } from '../services/changes/index.ts';
import { defineManagementTool } from './define-tool.ts';
import { PROPOSES_CHANGE, WRITE_WORKFLOW } from './write-workflow.ts';

export const requestModule = defineManagementTool({
  name: 'mcpbox_request_module',
  title: 'Request a Python module',
  description: `Ask for a Python module beyond the built-in safe set: opens a pull request (branch "mcpbox/module/<module>") adding it with your justification to policy/modules.yaml. Importing it works once a person merges it (for every server). A module that is already allowed, or already requested in an open pull request, is answered as such instead of opening another. Use the import name ("yaml"), not the pip name ("PyYAML"). ${WRITE_WORKFLOW}`,
  input: z.object({ module_name: ModuleName, justification: Justification, tool_id: ToolId.optional().describe('The tool that needs it, for the reviewer') }),
  output: RequestOutcomeOutput,
  annotations: { ...PROPOSES_CHANGE, title: 'Request a Python module' },
  async handler({ module_name, justification, tool_id }, { changes }) {
    return outcomeOutput(await changes.requests.requestModule(module_name, justification, tool_id));
  },
});
