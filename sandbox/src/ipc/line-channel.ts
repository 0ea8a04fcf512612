// Newline-delimited JSON over an inherited socket (fd 3 in the child). We use this instead of
// Node's built-in IPC because that one parses any message of any size before we see it: here a
// message is size-checked as bytes first, then parsed, then validated against a zod schema, so a
// forged or oversize message from an escaped child is refused before it can cost the parent memory.

import type { Duplex } from 'node:stream';
import type * as z from 'zod';

type ChannelViolation =
  | { kind: 'oversize'; bytes: number }
  | { kind: 'not_json'; sample: string }
  | { kind: 'schema'; issues: string; sample: string };

export interface LineChannel<Out> {
  send(message: Out): void;
  close(): void;
}

export interface LineChannelOptions<In> {
  stream: Duplex;
  schema: z.ZodType<In>;
  maxBytes: number;
  onMessage: (message: In) => void;
  /** A refused message. After an oversize line the stream is no longer framed and is closed. */
  onViolation: (violation: ChannelViolation) => void;
}

class OversizeMessageError extends Error {
  readonly code = 'oversize_message';
  constructor(bytes: number, maxBytes: number) {
    super(`the request is ${bytes} bytes once encoded; the sandbox accepts at most ${maxBytes}. Send smaller arguments or code.`);
  }
}

export function openLineChannel<In, Out>(opts: LineChannelOptions<In>): LineChannel<Out> {
  const { stream, schema, maxBytes } = opts;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let closed = false;

  const handleLine = (line: Buffer): void => {
    if (line.length === 0) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line.toString('utf8'));
    } catch {
      opts.onViolation({ kind: 'not_json', sample: line.subarray(0, 120).toString('utf8') });
      return;
    }
    const checked = schema.safeParse(parsed);
    if (!checked.success) {
      const issues = checked.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
      opts.onViolation({ kind: 'schema', issues: issues.slice(0, 500), sample: line.subarray(0, 120).toString('utf8') });
      return;
    }
    opts.onMessage(checked.data);
  };

  const onData = (chunk: Buffer): void => {
    if (closed) return;
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(10, start);
      if (nl === -1) break;
      const piece = chunk.subarray(start, nl);
      if (pendingBytes + piece.length > maxBytes) return oversize(pendingBytes + piece.length);
      const line = pending.length ? Buffer.concat([...pending, piece]) : piece;
      pending = [];
      pendingBytes = 0;
      handleLine(line);
      if (closed) return;
      start = nl + 1;
    }
    if (start < chunk.length) {
      const rest = chunk.subarray(start);
      if (pendingBytes + rest.length > maxBytes) return oversize(pendingBytes + rest.length);
      pending.push(Buffer.from(rest));
      pendingBytes += rest.length;
    }
  };

  const oversize = (bytes: number): void => {
    pending = [];
    pendingBytes = 0;
    opts.onViolation({ kind: 'oversize', bytes });
    close();
  };

  const close = (): void => {
    if (closed) return;
    closed = true;
    stream.off('data', onData);
    stream.destroy();
  };

  stream.on('data', onData);
  stream.on('error', () => close());

  return {
    send(message: Out): void {
      if (closed) return;
      const text = JSON.stringify(message);
      const bytes = Buffer.byteLength(text);
      if (bytes > maxBytes) throw new OversizeMessageError(bytes, maxBytes);
      stream.write(text + '\n');
    },
    close,
  };
}
