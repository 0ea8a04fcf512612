// What an execution log may keep of a call. Credential-like argument fields are replaced by key
// name, matching whole words of the key (so `api_key`, `apiKey`, `Authorization`, `db_password`
// match while `keyword`, `author`, `tokenizer` do not); known secret values are replaced wherever they
// appear; long strings, results and output are cut with a marker saying how much was dropped.
import { redactValue, secretNeedles, REDACTION } from '@mcpbox/sandbox';

export const LOG_LIMITS = {
  argString: 1_000,
  args: 20_000,
  result: 10_000,
  stdout: 10_000,
  error: 5_000,
} as const;

const CREDENTIAL_WORDS = new Set(['password', 'passwd', 'passphrase', 'pwd', 'secret', 'secrets', 'token', 'tokens', 'apikey', 'authorization', 'auth', 'credential', 'credentials', 'cookie', 'cookies', 'bearer', 'jwt', 'otp', 'pin']);
const CREDENTIAL_PAIRS = new Set(['api key', 'private key', 'access key', 'secret key', 'client secret', 'session id', 'set cookie', 'x api']);

/** Splits a key into lower-case words: `apiKey` → api key, `X-Api-Key` → x api key, `db_password` → db password. */
function keyWords(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');
}

export function isCredentialKey(key: string): boolean {
  const words = keyWords(key);
  if (words.some((w) => CREDENTIAL_WORDS.has(w))) return true;
  for (let i = 0; i + 1 < words.length; i++) if (CREDENTIAL_PAIRS.has(`${words[i]} ${words[i + 1]}`)) return true;
  return CREDENTIAL_WORDS.has(words.join(''));
}

function truncate(text: string, limit: number): string {
  if (text.length <= limit) return text;
  return `${text.slice(0, limit)}…[truncated ${text.length - limit} characters]`;
}

function redactFields(value: unknown, depth = 0): unknown {
  if (depth > 20) return '[nested too deep]';
  if (typeof value === 'string') return truncate(value, LOG_LIMITS.argString);
  if (Array.isArray(value)) return value.map((v) => redactFields(v, depth + 1));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = isCredentialKey(k) ? REDACTION : redactFields(v, depth + 1);
    return out;
  }
  return value;
}

export interface LogRedactor {
  args(args: unknown): string;
  result(result: unknown): string | null;
  text(text: string | null | undefined, limit: number): string | null;
}

/** A redactor for one call, knowing the secret values that call's server holds. */
export function redactorFor(secretValues: readonly string[]): LogRedactor {
  const needles = secretNeedles(Object.fromEntries(secretValues.map((v, i) => [String(i), v])));
  // Short values are not in the needles (they would match ordinary text), but an argument equal to
  // one is still a secret; plain equality catches that.
  const exact = new Set(secretValues);
  const scrub = (value: unknown): unknown => {
    const cleaned = needles.length === 0 ? value : redactValue(value, needles);
    return exact.size === 0 ? cleaned : replaceExact(cleaned, exact);
  };
  return {
    args(args) {
      const json = JSON.stringify(redactFields(scrub(args ?? {}))) ?? '{}';
      return truncate(json, LOG_LIMITS.args);
    },
    result(result) {
      if (result === undefined) return null;
      const json = JSON.stringify(scrub(result));
      return json === undefined ? null : truncate(json, LOG_LIMITS.result);
    },
    text(text, limit) {
      if (text === null || text === undefined || text === '') return null;
      return truncate(scrub(text) as string, limit);
    },
  };
}

function replaceExact(value: unknown, exact: ReadonlySet<string>): unknown {
  if (typeof value === 'string') return exact.has(value) ? REDACTION : value;
  if (Array.isArray(value)) return value.map((v) => replaceExact(v, exact));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceExact(v, exact)]));
  }
  return value;
}
