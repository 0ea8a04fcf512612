// One sentence every tool description ends with, so the LLM learns how changes go live.
export const GITOPS_NOTE =
  'mcpbox is GitOps: everything here is read from the main branch of the tools repo. Changes are proposed on a branch as a pull request and go live only when a person merges it.';
