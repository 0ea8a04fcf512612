// The zod fields every write-side tool shares. They are strict on purpose: names are ASCII
// lower-case words (no "main", "../", "refs/…", leading "-", look-alike letters), and every text has
// a bound, so nothing an LLM sends can steer a git argument or grow without limit.
import * as z from 'zod';
import {
  DEFAULT_TIMEOUT_MS,
  MAX_TIMEOUT_MS,
  MAX_TOOL_CODE_BYTES,
  MIN_TIMEOUT_MS,
  MODULE_NAME_MAX_LENGTH,
  MODULE_NAME_PATTERN,
  NAME_MAX_LENGTH,
  NAME_PATTERN,
  SECRET_NAME_MAX_LENGTH,
  SECRET_NAME_PATTERN,
  TOOL_ID_PATTERN,
  TOOL_ID_SEPARATOR,
} from '@mcpbox/core';

const NAME_RULE = 'lower-case ASCII letters, digits and single underscores, starting with a letter';

function nameField(what: string, example: string) {
  return z
    .string()
    .min(1, `the ${what} must not be empty`)
    .max(NAME_MAX_LENGTH, `the ${what} is at most ${NAME_MAX_LENGTH} characters`)
    .regex(NAME_PATTERN, `the ${what} must be ${NAME_RULE} (e.g. "${example}")`)
    .describe(`The ${what}: ${NAME_RULE}, e.g. "${example}"`);
}

export const ServerId = nameField('server name (server_id)', 'uptime');
export const ToolName = nameField('tool name', 'claude_status');

export const ToolId = z
  .string()
  .min(1, 'tool_id must not be empty')
  .max(NAME_MAX_LENGTH * 2 + TOOL_ID_SEPARATOR.length, 'tool_id is too long')
  .regex(TOOL_ID_PATTERN, `tool_id must be "<server>__<tool>", both ${NAME_RULE} (e.g. "uptime__claude_status")`)
  .describe('"<server>__<tool>", e.g. "uptime__claude_status"');

export const PythonCode = z
  .string()
  .min(1, 'python_code must not be empty')
  .max(MAX_TOOL_CODE_BYTES, `python_code is at most ${MAX_TOOL_CODE_BYTES / 1024} KB`)
  .describe('The whole Python source of the tool, defining `async def main(...)` at the top level');

export const ToolDescription = z.string().trim().max(2000, 'the description is at most 2000 characters');
export const TimeoutMs = z.number().int().min(MIN_TIMEOUT_MS).max(MAX_TIMEOUT_MS).describe(`Per-call time limit in milliseconds (${MIN_TIMEOUT_MS}–${MAX_TIMEOUT_MS}; default from mcpbox.yaml, ${DEFAULT_TIMEOUT_MS})`);

export const Justification = z
  .string()
  .trim()
  .min(10, 'say in a sentence why it is needed (at least 10 characters): the reviewer reads it')
  .max(1000, 'the justification is at most 1000 characters')
  .describe('Why the tool needs it, for the person who reviews the pull request');

export const ModuleName = z
  .string()
  .min(1)
  .max(MODULE_NAME_MAX_LENGTH, `a module name is at most ${MODULE_NAME_MAX_LENGTH} characters`)
  .regex(MODULE_NAME_PATTERN, 'must be a Python import name such as "yaml" or "dateutil.parser" (not a pip package name)')
  .describe('The Python import name, e.g. "yaml" (not the pip package name)');

export const SecretName = z
  .string()
  .min(1)
  .max(SECRET_NAME_MAX_LENGTH, `a secret name is at most ${SECRET_NAME_MAX_LENGTH} characters`)
  .regex(SECRET_NAME_PATTERN, 'must be upper-case letters, digits and underscores, starting with a letter (e.g. "API_TOKEN")')
  .describe('The secret name, e.g. "API_TOKEN"');

export const HostInput = z
  .string()
  .trim()
  .min(1)
  .max(253, 'a host name is at most 253 characters')
  .describe('The host only, e.g. "api.github.com" or "192.168.1.20" (no scheme, port or path)');

export const PortInput = z.number().int().min(1).max(65535).describe('The port; omit it for the default ports 443 and 80');

export const Notes = z.string().trim().max(10_000, 'notes are at most 10000 characters');

export const CommitId = z
  .string()
  .regex(/^[0-9a-f]{7,40}$/, 'must be a commit id (7–40 lower-case hex characters) from mcpbox_list_tool_versions')
  .describe('The commit of the version to restore, from mcpbox_list_tool_versions');

const MAX_ARGUMENTS_JSON = 256 * 1024;
export const ToolArguments = z
  .record(z.string().max(200), z.unknown())
  .refine((value) => (JSON.stringify(value) ?? '').length <= MAX_ARGUMENTS_JSON, `arguments are at most ${MAX_ARGUMENTS_JSON / 1024} KB of JSON`)
  .describe('The arguments to call main() with, as a JSON object');
