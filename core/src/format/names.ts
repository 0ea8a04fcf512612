// Naming rules of format v1. Server, tool and source names are lower-case words joined by single
// underscores, so the public MCP name `<server>__<tool>` can always be split back unambiguously.
import { isIP } from 'node:net';
import { domainToASCII } from 'node:url';
import { visibleText } from './display-text.ts';

export const NAME_PATTERN = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;
export const NAME_MAX_LENGTH = 64;
/** MCP clients accept tool names of at most 128 characters. */
export const TOOL_ID_MAX_LENGTH = 128;
export const TOOL_ID_SEPARATOR = '__';
/** The shape of a public tool id, `<server>__<tool>` (lengths are checked by parseToolId). */
export const TOOL_ID_PATTERN = new RegExp(`^${NAME_PATTERN.source.slice(1, -1)}${TOOL_ID_SEPARATOR}${NAME_PATTERN.source.slice(1, -1)}$`);

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
export const HOST_MAX_LENGTH = 253;

/**
 * Why `host` is not a network grant's host, in words with the fix; undefined when it is one. A host
 * is a lower-case ASCII DNS name (IDN as punycode; no scheme, userinfo, port, path, wildcard or
 * trailing dot) or an IPv4/IPv6 literal (IPv6 in lower case, without brackets or a zone id). One
 * spelling per host: the sandbox compares grants with URLs by exact canonical text.
 */
export function hostProblem(host: string): string | undefined {
  const what = `host \`${visibleText(host)}\``;
  if (host.length === 0) return 'a host must not be empty — name a host such as api.example.com';
  if (host.length > HOST_MAX_LENGTH) return `a host is at most ${HOST_MAX_LENGTH} characters; this one has ${host.length}`;
  if (/[\u0000-\u0020\u007f-\u00a0]/.test(host)) return `${what} contains spaces or control characters — write the host name alone`;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(host)) return `${what} is a URL — write only the host name (e.g. \`${host.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').split(/[/:?#@]/)[0]}\`) and put a port in \`port\``;
  if (host.includes('@')) return `${what} contains user information (\`…@\`) — credentials never go into a host; write the host name after the \`@\` and keep credentials in a secret`;
  if (/[/?#\\]/.test(host)) return `${what} contains a path, query or fragment — write only the host name`;
  const zone = host.indexOf('%');
  if (zone >= 0 && host.includes(':')) {
    return `${what} carries an IPv6 zone id (\`${host.slice(zone)}\`), which names a network interface of one machine, not an address — remove it and write \`${host.slice(0, zone)}\``;
  }
  const unbracketed = /^\[(.*)\]$/.exec(host)?.[1];
  if (unbracketed !== undefined) return `${what} has brackets — write the IPv6 address without them: \`${unbracketed}\``;
  if (isIP(host) !== 0) return host === host.toLowerCase() ? undefined : `${what} has upper-case letters — write it as \`${host.toLowerCase()}\``;
  if (host.includes(':')) {
    const [name, port] = host.split(':');
    if (!/^[0-9]+$/.test(port ?? '') || host.split(':').length !== 2) return `${what} is not a valid IPv6 address`;
    return Number(port) >= 1 && Number(port) <= 65_535 ? `${what} includes a port — write host \`${name}\` and put ${port} in \`port\`` : `${what} includes a port, and ${port} is not a port (1–65535) — write host \`${name}\` alone`;
  }
  if (host.includes('*')) return `${what} has a wildcard — grants name one exact host; ask for each host you need`;
  if (/[^\u0000-\u007f]/.test(host)) {
    const ascii = domainToASCII(host);
    return ascii === '' ? `${what} is not a valid international domain name` : `${what} is an international domain name — write its ASCII (punycode) form \`${ascii}\``;
  }
  if (host !== host.toLowerCase()) return `${what} has upper-case letters — write it as \`${host.toLowerCase()}\``;
  if (host.endsWith('.')) return `${what} ends with a dot — write it without: \`${host.replace(/\.+$/, '')}\``;
  const labels = host.split('.');
  if (labels.some((label) => label === '')) return `${what} has an empty label (two dots in a row, or a leading dot)`;
  const long = labels.find((label) => label.length > 63);
  if (long !== undefined) return `${what} has a label of ${long.length} characters; DNS allows at most 63`;
  const bad = labels.find((label) => !HOST_LABEL.test(label));
  if (bad !== undefined) return `${what}: the label \`${bad}\` may only contain letters, digits and inner hyphens`;
  // A name whose last label is all digits is a malformed IPv4 address, not a hostname.
  if (/^[0-9]+$/.test(labels[labels.length - 1] ?? '')) return `${what} is not a valid IPv4 address (four numbers 0–255 separated by dots) nor a host name`;
  return undefined;
}

export function isValidHost(host: string): boolean {
  return hostProblem(host) === undefined;
}
