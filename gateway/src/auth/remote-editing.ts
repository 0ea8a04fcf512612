// Remote callers (through the trusted front, or from a non-loopback peer) may read and call live
// tools, but may not propose, test or switch anything unless MCPBOX_REMOTE_TOOL_EDITING allows it.
// The rule keys on the tool's own annotation: anything not read-only counts as editing.
import type { ToolAnnotations } from '@modelcontextprotocol/server';
import type { Identity } from './identity.ts';

export function remoteEditingRefusal(tool: string, annotations: ToolAnnotations | undefined, identity: Identity, allowed: boolean): string | null {
  if (allowed || !identity.remote || annotations?.readOnlyHint === true) return null;
  return `${tool} changes or runs unreviewed tools, which this gateway does not allow for remote callers (you are connected as "${identity.name}" from outside this machine). Ask the admin to make the change locally, or to set MCPBOX_REMOTE_TOOL_EDITING=true.`;
}
