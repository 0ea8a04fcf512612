// Every message that crosses the parent ⇄ child boundary, as zod schemas. Both sides validate what
// they receive; the parent treats the child as hostile (its Python may have escaped into JS), so the
// child → parent union is closed: an unknown type, an unknown key or an out-of-range field is refused.

import * as z from 'zod';
import {
  ERROR_MESSAGE_LIMIT_CHARS, ERROR_TYPE_LIMIT_CHARS, HTTP_REQUEST_BODY_LIMIT_CHARS, HTTP_URL_LIMIT_CHARS, MAX_CODE_CHARS, MAX_HEAP_CAP_MIB,
  MAX_TIMEOUT_MS, MIN_HEAP_CAP_MIB, OUTPUT_LIMIT_CHARS, TRACEBACK_LIMIT_CHARS,
} from '../limits.ts';

const callId = z.number().int().positive();
const reqId = z.number().int().positive();
const shortText = (max: number) => z.string().max(max);

// The envelope of a tool's request as it crosses the worker → control-plane → parent frames: only
// shape and size. What a request may be (method, header syntax, URL) is network/request-schema.ts.
export const HttpRequestEnvelopeSchema = z.strictObject({
  method: shortText(16),
  url: z.string().max(HTTP_URL_LIMIT_CHARS, `url is longer than ${HTTP_URL_LIMIT_CHARS} characters`),
  headers: z.record(shortText(1024), shortText(16_384)),
  body: z.string().max(HTTP_REQUEST_BODY_LIMIT_CHARS).optional(),
  bodyEncoding: z.enum(['utf8', 'base64']).optional(),
  timeoutMs: z.number().int().positive().max(MAX_TIMEOUT_MS).optional(),
  followRedirects: z.boolean().optional(),
});

const HttpResponseSchema = z.strictObject({
  status: z.number().int(),
  headers: z.record(z.string(), z.string()),
  body: z.string(),
  bodyEncoding: z.enum(['utf8', 'base64']),
  url: z.string(),
});

const ToolErrorSchema = z.strictObject({
  type: shortText(ERROR_TYPE_LIMIT_CHARS),
  message: shortText(ERROR_MESSAGE_LIMIT_CHARS),
  line: z.number().int().optional(),
  traceback: shortText(TRACEBACK_LIMIT_CHARS).optional(),
});

export const AnalysisSchema = z.strictObject({
  valid: z.boolean(),
  errors: z.array(z.strictObject({ line: z.number().int(), col: z.number().int(), message: shortText(2000) })).max(100),
  input_schema: z.record(z.string(), z.unknown()),
  description: shortText(20_000),
  imports: z.array(shortText(200)).max(500),
});

// ---- parent → child ----

const RunMessageSchema = z.strictObject({
  type: z.literal('run'),
  callId,
  server: shortText(100),
  tool: shortText(200),
  code: shortText(MAX_CODE_CHARS),
  args: z.record(z.string(), z.unknown()),
  secrets: z.record(z.string(), z.string()),
  allowedModules: z.array(shortText(200)).max(1000),
  timeoutMs: z.number().int().positive().max(MAX_TIMEOUT_MS),
  heapCapBytes: z.number().int().min(MIN_HEAP_CAP_MIB * 1048576).max(MAX_HEAP_CAP_MIB * 1048576),
});

export const ParentMessageSchema = z.discriminatedUnion('type', [
  RunMessageSchema,
  z.strictObject({ type: z.literal('analyze'), callId, codes: z.array(shortText(MAX_CODE_CHARS)).max(1000) }),
  z.strictObject({
    type: z.literal('http_result'),
    callId,
    reqId,
    response: HttpResponseSchema.optional(),
    error: z.strictObject({ code: shortText(100), message: shortText(4000) }).optional(),
  }),
  z.strictObject({ type: z.literal('shutdown') }),
]);
export type ParentMessage = z.infer<typeof ParentMessageSchema>;
export type RunMessage = z.infer<typeof RunMessageSchema>;

// ---- child → parent ----

/** Printed output as sent to the parent: the capture limit plus room for the truncation marker. */
export const STDOUT_MESSAGE_LIMIT_CHARS = OUTPUT_LIMIT_CHARS + 200;

export const ChildMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('ready'), heapBytes: z.number().int().nonnegative() }),
  z.strictObject({
    type: z.literal('result'),
    callId,
    result: z.unknown(),
    stdout: shortText(STDOUT_MESSAGE_LIMIT_CHARS),
    error: ToolErrorSchema.optional(),
    duration_ms: z.number().nonnegative(),
    heapBytes: z.number().int().nonnegative(),
  }),
  z.strictObject({ type: z.literal('analysis'), callId, analyses: z.array(AnalysisSchema).max(1000) }),
  z.strictObject({ type: z.literal('http'), callId, reqId, req: HttpRequestEnvelopeSchema }),
  z.strictObject({
    type: z.literal('event'),
    name: z.enum(['worker_replaced', 'worker_recycled', 'worker_refused_message', 'spare_ready']),
    detail: shortText(1000),
  }),
]);
export type ChildMessage = z.infer<typeof ChildMessageSchema>;
