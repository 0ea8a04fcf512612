// Naming rules of format v1. Server, tool and source names are lower-case words joined by single
// underscores, so the public MCP name `<server>__<tool>` can always be split back unambiguously.
import { isIP } from 'node:net';

export const NAME_PATTERN = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;
export const NAME_MAX_LENGTH = 64;
/** MCP clients accept tool names of at most 128 characters. */
export const TOOL_ID_MAX_LENGTH = 128;
export const TOOL_ID_SEPARATOR = '__';

export const SECRET_NAME_PATTERN = /^[A-Z][A-Z0-9_]*$/;
export const SECRET_NAME_MAX_LENGTH = 128;

/** A Python import name: dotted identifiers, e.g. `numpy` or `paho.mqtt.client`. */
export const MODULE_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
export const MODULE_NAME_MAX_LENGTH = 128;

export type NameKind = 'server' | 'tool' | 'source';

/** Why `name` is not a valid server/tool/source name, in words; undefined when it is valid. */
export function nameProblem(name: string, kind: NameKind): string | undefined {
  const what = `${kind} name \`${name}\``;
  const fix = `use lower-case letters, digits and single underscores, starting with a letter (e.g. \`${suggestName(name)}\`)`;
  if (name.length === 0) return `a ${kind} name must not be empty`;
  if (name.length > NAME_MAX_LENGTH) return `${what} is ${name.length} characters long; the limit is ${NAME_MAX_LENGTH}`;
  if (NAME_PATTERN.test(name)) return undefined;
  if (name.includes(TOOL_ID_SEPARATOR)) {
    return `${what} contains a double underscore, which is reserved to separate server and tool in \`<server>__<tool>\`; ${fix}`;
  }
  if (/[A-Z]/.test(name)) return `${what} has upper-case letters; ${fix}`;
  if (!/^[a-z]/.test(name)) return `${what} must start with a lower-case letter; ${fix}`;
  if (name.endsWith('_')) return `${what} must not end with an underscore; ${fix}`;
  return `${what} may only contain lower-case letters, digits and single underscores; ${fix}`;
}

/** A best-effort valid name close to `name`, used in hints. */
export function suggestName(name: string): string {
  const cleaned = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^[_0-9]+|_+$/g, '')
    .slice(0, NAME_MAX_LENGTH)
    .replace(/_+$/, '');
  return cleaned === '' ? 'my_tool' : cleaned;
}

export function isValidName(name: string): boolean {
  return name.length <= NAME_MAX_LENGTH && NAME_PATTERN.test(name);
}

/** The public MCP tool name of a tool: `<server>__<tool>`. */
export function toolId(server: string, tool: string): string {
  return `${server}${TOOL_ID_SEPARATOR}${tool}`;
}

/** Splits a public tool id back into server and tool; undefined when `id` is not a valid id. */
export function parseToolId(id: string): { server: string; tool: string } | undefined {
  const at = id.indexOf(TOOL_ID_SEPARATOR);
  if (at < 0) return undefined;
  const server = id.slice(0, at);
  const tool = id.slice(at + TOOL_ID_SEPARATOR.length);
  if (!isValidName(server) || !isValidName(tool)) return undefined;
  return { server, tool };
}

export function isValidSecretName(name: string): boolean {
  return name.length <= SECRET_NAME_MAX_LENGTH && SECRET_NAME_PATTERN.test(name);
}

export function isValidModuleName(name: string): boolean {
  return name.length <= MODULE_NAME_MAX_LENGTH && MODULE_NAME_PATTERN.test(name);
}

const HOST_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * A network grant's host: a lower-case DNS name (no scheme, port, path, wildcard or trailing dot)
 * or an IPv4/IPv6 literal (IPv6 without brackets).
 */
export function isValidHost(host: string): boolean {
  if (isIP(host) !== 0) return host === host.toLowerCase();
  if (host.length === 0 || host.length > 253) return false;
  const labels = host.split('.');
  if (!labels.every((label) => HOST_LABEL.test(label))) return false;
  // A name whose last label is all digits is a malformed IPv4 address, not a hostname.
  return !/^[0-9]+$/.test(labels[labels.length - 1] ?? '');
}
