import type { z } from 'zod';
import { ErrorCode, type ErrorCodeValue } from './errors.js';
import { type AgentFrame, agentFrameSchema, type CollectorFrame, collectorFrameSchema, type ErrorFrame } from './frames.js';
import { describeIssues, type FieldIssue, fieldIssues } from './issues.js';
import { LIMITS } from './limits.js';
import { acceptReport } from './report-fast-path.js';
import { PROTOCOL_VERSION } from './version.js';

export interface FrameError {
  code: ErrorCodeValue;
  /** Human message naming the field: `metrics[3].fields.usage_idle: expected number`. */
  message: string;
  /** First offending field, empty when the frame as a whole is wrong. */
  path: string;
  issues: FieldIssue[];
  /** Frame type and seq when they could be read, so the sender knows which frame failed. */
  ref: { type?: string; seq?: number };
}

/** `text`: the frame's JSON as received, when it holds exactly what `frame` holds (a report taken by the fast path). */
export type ParseResult<T> = { ok: true; frame: T; text?: string } | { ok: false; error: FrameError };

function fail(code: ErrorCodeValue, issues: FieldIssue[], ref: FrameError['ref'] = {}): { ok: false; error: FrameError } {
  return { ok: false, error: { code, message: describeIssues(issues), path: issues[0]?.path ?? '', issues, ref } };
}

function byteLength(data: string | Buffer): number {
  return typeof data === 'string' ? Buffer.byteLength(data) : data.length;
}

function parseWith<T>(schema: z.ZodType<T>, data: string | Buffer, fast?: (value: Record<string, unknown>) => { frame: T; exact: boolean } | undefined): ParseResult<T> {
  if (byteLength(data) > LIMITS.maxFrameBytes) {
    return fail(ErrorCode.frameTooLarge, [{ path: '', message: `frame larger than ${LIMITS.maxFrameBytes} bytes` }]);
  }
  let value: unknown;
  const text = typeof data === 'string' ? data : data.toString('utf8');
  try {
    value = JSON.parse(text);
  } catch (err) {
    return fail(ErrorCode.invalidJson, [{ path: '', message: `not valid JSON (${(err as Error).message})` }]);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail(ErrorCode.invalidFrame, [{ path: '', message: 'expected a JSON object' }]);
  }
  const record = value as Record<string, unknown>;
  const ref: FrameError['ref'] = {};
  if (typeof record.type === 'string') ref.type = record.type.slice(0, 32);
  if (typeof record.seq === 'number' && Number.isSafeInteger(record.seq)) ref.seq = record.seq;
  if (record.v !== PROTOCOL_VERSION) {
    return fail(ErrorCode.unsupportedVersion, [{ path: 'v', message: `expected protocol version ${PROTOCOL_VERSION}` }], ref);
  }
  const accepted = fast?.(record);
  if (accepted) return accepted.exact ? { ok: true, frame: accepted.frame, text } : { ok: true, frame: accepted.frame };
  const result = schema.safeParse(value);
  if (!result.success) return fail(ErrorCode.invalidFrame, fieldIssues(result.error), ref);
  return { ok: true, frame: result.data };
}

/** Validates a frame received from an agent. Never throws. */
export function parseAgentFrame(data: string | Buffer): ParseResult<AgentFrame> {
  return parseWith(agentFrameSchema, data, acceptReport);
}

/** Validates a frame received from the collector. Never throws. */
export function parseCollectorFrame(data: string | Buffer): ParseResult<CollectorFrame> {
  return parseWith(collectorFrameSchema, data);
}

/** The error frame that answers a frame that failed validation. */
export function errorFrameFor(error: FrameError): ErrorFrame {
  const frame: ErrorFrame = { v: PROTOCOL_VERSION, type: 'error', code: error.code, message: error.message.slice(0, 2048) };
  if (error.path) frame.path = error.path.slice(0, 512);
  if (error.ref.type !== undefined || error.ref.seq !== undefined) frame.ref = error.ref;
  return frame;
}
