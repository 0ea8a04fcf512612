// What the write-side tool descriptions teach up front, so a model gets the workflow and the
// sandbox's rules right the first time. Shared by the write tools; each adds its own specifics.
import type { ToolAnnotations } from '@mcpbox/core';

export const WRITE_WORKFLOW =
  'Workflow (GitOps): changes never go to main directly. 1) mcpbox_create_server / mcpbox_create_tool / mcpbox_update_tool commit to the server\'s draft branch "mcpbox/draft/<server>" (changes of one server accumulate there); ' +
  '2) mcpbox_validate_code and mcpbox_test_code check and run the draft in the real sandbox under main\'s policy; 3) mcpbox_request_publish opens one pull request for the draft; ' +
  '4) a person reviews and merges it; 5) the tool goes live as "<server>__<tool>" (mcpbox_get_tool_status says draft → pending_review → approved → live, or rejected with the reason). ' +
  'Ids: server_id is the server name; tool_id is "<server>__<tool>". Names are lower-case letters, digits and single underscores.';

export const SANDBOX_RULES =
  'Sandbox rules for tool code: define `async def main(...)` at the top level; its typed parameters (str, int, float, bool, list[str], dict, Optional[...], Literal[...], defaults) become the input schema, its docstring the description, and its return value (JSON: dict, list, str, number, bool, None) the result. ' +
  'Globals provided without import: `http` (async client: `r = await http.get(url, params=..., headers=...)`, also post/put/patch/delete with json=...; `r.status_code`, `r.json()`, `r.text`, `r.raise_for_status()`; reaches only hosts granted to this server in policy/network.yaml — ask with mcpbox_request_network_access), `json`, `datetime`, `arguments` (the call\'s arguments), `secrets` (read-only mapping of this server\'s declared secrets, e.g. secrets["API_TOKEN"]). ' +
  'Imports: the built-in safe set (json, re, math, datetime, collections, itertools, functools, base64, hashlib, urllib.parse, … — see mcpbox_get_server_modules) plus modules granted in policy/modules.yaml (ask with mcpbox_request_module). ' +
  'No files, processes or sockets; default time limit 30 s per call (timeout_ms up to 300000); print() output is captured.';

/** Annotations of tools that write a branch or open a pull request (never main). */
export const PROPOSES_CHANGE: ToolAnnotations = { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false };
