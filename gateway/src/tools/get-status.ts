import { ReconcilerStatusSchema } from '@mcpbox/reconciler';
import * as z from 'zod';
import { defineManagementTool, READ_ONLY } from './define-tool.ts';
import { ToolError } from './tool-error.ts';

export const getStatus = defineManagementTool({
  name: 'mcpbox_get_status',
  title: 'Get reconciler status',
  description:
    'What runs right now and why: the revision of main that is live (lastAppliedRevision), the newest one seen and the last one tried, the Ready/Reconciling/Stalled conditions with their reason, the errors of a revision that could not be applied (each naming its file and line), and the last reconciles. Use it after a merge to see whether the change went live, or when a tool you expected is missing: a revision that fails validation is never applied, and the previous one keeps serving until a fix is merged.',
  input: z.object({}),
  output: ReconcilerStatusSchema,
  annotations: { ...READ_ONLY, title: 'Get reconciler status' },
  async handler(_input, services) {
    const status = services.reconcilerStatus();
    if (status === null) throw new ToolError('unavailable', 'this gateway runs without a reconciler, so there is no status to show; start it with `mcpbox up` or `mcpbox stdio`');
    return status;
  },
});
