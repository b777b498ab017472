import { type FieldType, lineShape } from './line-protocol.js';

/**
 * What an answer to `POST /write` means for the batch that was sent:
 * - `ok`: written.
 * - `rejected` (400, 422): InfluxDB refuses points in the batch and will refuse them again.
 *   With `partial` the other points were written (1.x "partial write: …").
 * - `tooLarge` (413): the body is over the server's limit; smaller pieces will go through.
 * - `config` (401, 403, 404 and other 4xx): credentials, rights or the database are wrong. Nothing
 *   was written; it will work once an operator fixes it.
 * - `transient` (408, 429, 5xx, timeouts, refused or reset connections): try again.
 */
export type WriteAnswer =
  | { kind: 'ok'; status: number }
  | { kind: 'rejected'; status: number; message: string; partial: boolean }
  | { kind: 'tooLarge'; status: number; message: string }
  | { kind: 'config'; status: number; message: string }
  | { kind: 'transient'; status: number; message: string };

export type AnswerKind = WriteAnswer['kind'];

/** The error text of an InfluxDB answer: JSON `{"error": …}` (1.x), `{"message": …}` (2.x/3.x) or plain text. */
export function errorMessage(body: string, header?: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: unknown; message?: unknown };
    if (typeof parsed.error === 'string') return parsed.error;
    if (typeof parsed.message === 'string') return parsed.message;
  } catch {
    // not JSON: fall through
  }
  return (body.trim() || header || '').slice(0, 2_000);
}

export function classifyAnswer(status: number, body: string, errorHeader?: string): WriteAnswer {
  if (status >= 200 && status < 300) return { kind: 'ok', status };
  const message = errorMessage(body, errorHeader) || `HTTP ${status}`;
  if (status === 400 || status === 422) return { kind: 'rejected', status, message, partial: /partial write/i.test(message) };
  if (status === 413) return { kind: 'tooLarge', status, message };
  if (status === 408 || status === 429 || status >= 500) return { kind: 'transient', status, message };
  return { kind: 'config', status, message };
}

/** A request that got no HTTP answer (refused, reset, timed out) is always worth retrying. */
export function classifyNetworkError(err: Error & { code?: string }): WriteAnswer {
  return { kind: 'transient', status: 0, message: err.code ? `${err.code}: ${err.message}` : err.message };
}

/** `dropped=N` at the end of a 1.x partial-write message. */
export function droppedCount(message: string): number | undefined {
  const m = /dropped=(\d+)/.exec(message);
  return m ? Number(m[1]) : undefined;
}

const PARSE_ERROR = /unable to parse '((?:[^'\\]|\\.|'(?!: ))*)': /g;
const TYPE_CONFLICT = /input field "((?:[^"\\]|\\.)*)" on measurement "((?:[^"\\]|\\.)*)" is type (\w+), already exists as type (\w+)/g;

/**
 * The lines of a batch that a 400 answer names: quoted unparsable lines, and lines whose field
 * has the conflicting type in a "field type conflict". Empty when the message names none.
 */
export function offendingLines(message: string, lines: readonly string[]): Set<number> {
  const found = new Set<number>();
  const quoted = new Set<string>();
  for (const m of message.matchAll(PARSE_ERROR)) quoted.add(m[1] as string);
  const conflicts: Array<{ field: string; measurement: string; type: FieldType }> = [];
  for (const m of message.matchAll(TYPE_CONFLICT)) {
    conflicts.push({ field: m[1] as string, measurement: m[2] as string, type: m[3] as FieldType });
  }
  if (quoted.size === 0 && conflicts.length === 0) return found;
  lines.forEach((line, index) => {
    if (quoted.has(line)) {
      found.add(index);
      return;
    }
    if (conflicts.length === 0) return;
    const shape = lineShape(line);
    if (shape && conflicts.some((c) => c.measurement === shape.measurement && shape.fields.get(c.field) === c.type)) found.add(index);
  });
  return found;
}
