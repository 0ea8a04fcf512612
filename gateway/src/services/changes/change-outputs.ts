// Output shapes shared by several write tools.
import * as z from 'zod';

export const RequestOutcomeOutput = z.object({
  success: z.boolean(),
  outcome: z.enum(['created', 'existing', 'draft']).describe('created: a new pull request; existing: the same ask is already open; draft: added to the server\'s draft'),
  pull_request: z.number().int().nullable(),
  url: z.string().nullable(),
  branch: z.string(),
  title: z.string(),
  message: z.string(),
});

export const PullSummaryOutput = z.object({
  number: z.number().int(),
  title: z.string(),
  kind: z.string(),
  state: z.string(),
  branch: z.string(),
  url: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
});

export function outcomeOutput(o: { outcome: 'created' | 'existing' | 'draft'; number: number | null; url: string | null; branch: string; title: string; message: string }) {
  return { success: true, outcome: o.outcome, pull_request: o.number, url: o.url, branch: o.branch, title: o.title, message: o.message };
}
