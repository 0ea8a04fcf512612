// Logs via pino: readable one-line logs for a person at a terminal (pino-pretty), JSON lines for a
// pipe or a file (a log collector); LOG_FORMAT=json|pretty overrides the guess. Over stdio, stdout
// carries the MCP protocol, so logs must go to stderr.
import { isatty } from 'node:tty';
import { pino, type Logger } from 'pino';
import pinoPretty from 'pino-pretty';
import type { LogFormat, LogLevel } from '../config/index.ts';

export function createLogger(level: LogLevel, stream: 'stdout' | 'stderr' = 'stdout', format: LogFormat | null = null): Logger {
  const fd = stream === 'stdout' ? 1 : 2;
  const pretty = format === null ? isatty(fd) : format === 'pretty';
  if (!pretty) return pino({ name: 'mcpbox', level }, pino.destination({ fd, sync: false }));
  return pino(
    { name: 'mcpbox', level },
    pinoPretty({
      destination: fd,
      sync: false,
      colorize: isatty(fd),
      translateTime: 'SYS:HH:MM:ss.l',
      // Every field goes on the one line as key=value (messageFormat); nothing is printed as an object below it.
      hideObject: true,
      ignore: 'pid,hostname,name',
      messageFormat: oneLine,
    }),
  );
}

// Fields every line has (pino's own) or that are summarised rather than printed whole.
const OWN_FIELDS = new Set(['level', 'time', 'pid', 'hostname', 'name', 'msg', 'req', 'res', 'responseTime', 'err']);

/** "message GET /mcp 200 12ms key=value …": the request, the response and every other field on one line. */
function oneLine(log: Record<string, unknown>, messageKey: string): string {
  const parts = [String(log[messageKey] ?? '')];
  const req = log['req'] as { method?: string; url?: string } | undefined;
  if (req?.method !== undefined) parts.push(`${req.method} ${req.url ?? ''}`);
  const res = log['res'] as { statusCode?: number } | undefined;
  if (res?.statusCode !== undefined) parts.push(String(res.statusCode));
  if (typeof log['responseTime'] === 'number') parts.push(`${Math.round(log['responseTime'])}ms`);
  for (const [key, value] of Object.entries(log)) {
    if (OWN_FIELDS.has(key) || value === undefined) continue;
    parts.push(`${key}=${fieldText(value)}`);
  }
  const err = log['err'] as { type?: string; message?: string } | string | undefined;
  if (err !== undefined) parts.push(`err=${fieldText(typeof err === 'string' ? err : `${err.type ?? 'Error'}: ${err.message ?? ''}`)}`);
  return parts.filter((part) => part !== '').join(' ');
}

function fieldText(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  const single = text.replace(/\s*\n\s*/g, ' ');
  return /[\s"=]/.test(single) || single === '' ? JSON.stringify(single) : single;
}
