// Field schemas shared by several files of the format. Each `.describe()` is the "must be …" half of
// the message a person sees when the field is wrong, so it is written for them.
import * as z from 'zod';
import {
  hostProblem,
  isValidModuleName,
  isValidSecretName,
  NAME_MAX_LENGTH,
  NAME_PATTERN,
  MODULE_NAME_MAX_LENGTH,
  SECRET_NAME_MAX_LENGTH,
} from './names.ts';
import { EXPLAINED } from './issue-messages.ts';

export const MIN_TIMEOUT_MS = 1_000;
export const MAX_TIMEOUT_MS = 300_000;
export const DEFAULT_TIMEOUT_MS = 30_000;
export const MIN_MEMORY_MB = 64;
export const MAX_MEMORY_MB = 2_048;
export const DEFAULT_MEMORY_MB = 256;
const MAX_DESCRIPTION_LENGTH = 2_000;
const MAX_REASON_LENGTH = 1_000;

export const TimeoutMs = z
  .number()
  .int()
  .min(MIN_TIMEOUT_MS)
  .max(MAX_TIMEOUT_MS)
  .describe(`a whole number of milliseconds between ${MIN_TIMEOUT_MS} and ${MAX_TIMEOUT_MS}`);

export const MemoryMb = z
  .number()
  .int()
  .min(MIN_MEMORY_MB)
  .max(MAX_MEMORY_MB)
  .describe(`a whole number of megabytes between ${MIN_MEMORY_MB} and ${MAX_MEMORY_MB}`);

export const Flag = z.boolean().describe('true or false');

export const Description = z
  .string()
  .trim()
  .min(1)
  .max(MAX_DESCRIPTION_LENGTH)
  .describe(`a non-empty text of at most ${MAX_DESCRIPTION_LENGTH} characters`);

export const Reason = z
  .string()
  .trim()
  .min(1)
  .max(MAX_REASON_LENGTH)
  .describe(`a non-empty text (at most ${MAX_REASON_LENGTH} characters) saying why this is needed`);

export const ServerName = z
  .string()
  .max(NAME_MAX_LENGTH)
  .regex(NAME_PATTERN)
  .describe(`a server name: lower-case letters, digits and single underscores, starting with a letter, at most ${NAME_MAX_LENGTH} characters`);

export const SecretName = z
  .string()
  .max(SECRET_NAME_MAX_LENGTH)
  .refine(isValidSecretName)
  .describe('a secret name in upper case: letters, digits and underscores, starting with a letter (e.g. API_KEY)');

export const ModuleName = z
  .string()
  .max(MODULE_NAME_MAX_LENGTH)
  .refine(isValidModuleName)
  .describe('a Python import name: dotted identifiers such as `numpy` or `paho.mqtt.client` (the name you import, not the pip package name)');

export const Host = z
  .string()
  .superRefine((host, ctx) => {
    const problem = hostProblem(host);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', params: EXPLAINED, message: problem });
  })
  .describe('a lower-case hostname such as api.example.com, or an IP literal, without scheme, path or port (put the port in `port`)');

export const Port = z.number().int().min(1).max(65_535).describe('a whole number between 1 and 65535');

export const HeaderName = z
  .string()
  .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/)
  .describe('an HTTP header name such as X-Api-Key');

/** An http(s) URL without embedded credentials (those belong in a secret). */
export function isHttpUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return (url.protocol === 'https:' || url.protocol === 'http:') && url.username === '' && url.password === '';
}

export const HttpUrl = z
  .string()
  .refine(isHttpUrl)
  .describe('an http:// or https:// URL of a Streamable HTTP MCP endpoint without credentials in it, e.g. https://mcp.example.com/mcp');
