// JSON logs via pino. Over stdio, stdout carries the MCP protocol, so logs must go to stderr.
import { pino, type Logger } from 'pino';
import type { LogLevel } from '../config/index.ts';

export function createLogger(level: LogLevel, stream: 'stdout' | 'stderr' = 'stdout'): Logger {
  return pino({ name: 'mcpbox', level }, pino.destination({ fd: stream === 'stdout' ? 1 : 2, sync: false }));
}
