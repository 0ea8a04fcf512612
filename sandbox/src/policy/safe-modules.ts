// The built-in safe set: stdlib modules a tool may import without any grant. They compute; none
// reaches the host, a process or the network on its own (the process boundary holds regardless —
// this list is policy, not the wall). Anything else needs a `policy/modules.yaml` entry on main,
// requested with `mcpbox_request_module`.
//
// Deliberately absent: `secrets` (would shadow the `secrets` mapping tools receive), `os`, `sys`,
// `subprocess`, `socket`, `ctypes`, `importlib`, `js`, `pyodide*`, `gc`, `inspect`, `threading`.
export const SAFE_MODULES: readonly string[] = Object.freeze([
  'asyncio', 'base64', 'binascii', 'bisect', 'calendar', 'cmath', 'collections', 'contextlib', 'copy',
  'csv', 'dataclasses', 'datetime', 'decimal', 'difflib', 'enum', 'fractions', 'functools', 'hashlib',
  'heapq', 'hmac', 'html', 'ipaddress', 'itertools', 'json', 'math', 'operator', 'pprint', 'random',
  're', 'statistics', 'string', 'struct', 'textwrap', 'time', 'typing', 'unicodedata', 'urllib.parse',
  'uuid', 'xml.etree.ElementTree', 'zoneinfo',
]);

/**
 * The modules a server's tools may import: the safe set plus the names granted in policy/modules.yaml
 * on main. The one place this union is formed, for the run-time allowlist, the reconciler's check
 * and what the management tools show.
 */
export function effectiveModules(granted: Iterable<string>): ReadonlySet<string> {
  return new Set([...SAFE_MODULES, ...granted]);
}
