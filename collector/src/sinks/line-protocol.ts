import type { Point } from './types.js';

// InfluxDB line protocol, as InfluxDB 1.x parses it (models/points.go):
//   measurement: escape `,` and space
//   tag keys, tag values, field keys: escape `,` `=` and space
//   string field values: inside double quotes, escape `"` and `\`
// A backslash before any other character is kept literally, so other backslashes stay as they
// are. Two things cannot be represented at all: a newline outside a string field, and a name or
// tag value that ends in a backslash (the escape would swallow the separator after it). Newlines
// and other control characters become a space; trailing backslashes are dropped (`C:\` → `C:`).

/* eslint-disable no-control-regex */
const CONTROL = /[\u0000-\u001f\u007f]/g;
const TRAILING_BACKSLASHES = /\\+$/;
const MEASUREMENT_SPECIAL = /[, ]/g;
const KEY_SPECIAL = /[,= ]/g;
const STRING_SPECIAL = /["\\]/g;
// The hot path: almost no name or value needs any of this, and one test is cheap.
const NAME_MAY_NEED_WORK = /[ ,=\\\u0000-\u001f\u007f]/;
const STRING_MAY_NEED_WORK = /["\\\r\n]/;

function clean(text: string): string {
  return text.replace(CONTROL, ' ').replace(TRAILING_BACKSLASHES, '');
}

export function escapeMeasurement(name: string): string {
  return NAME_MAY_NEED_WORK.test(name) ? clean(name).replace(MEASUREMENT_SPECIAL, '\\$&') : name;
}

/** Escapes a tag key, a tag value or a field key. */
export function escapeKey(key: string): string {
  return NAME_MAY_NEED_WORK.test(key) ? clean(key).replace(KEY_SPECIAL, '\\$&') : key;
}

export function escapeStringField(value: string): string {
  return STRING_MAY_NEED_WORK.test(value) ? `"${value.replace(/[\r\n]/g, ' ').replace(STRING_SPECIAL, '\\$&')}"` : `"${value}"`;
}

/**
 * A field value in line protocol. Numbers are always written as floats (no `i` suffix): a field
 * first written as an integer would make InfluxDB refuse every later fractional value of it.
 */
export function fieldValue(value: number | string | boolean): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return escapeStringField(value);
}

/**
 * One point as a line (no trailing newline), tags sorted by key as InfluxDB prefers, time in
 * milliseconds (write with `precision=ms`). Empty tag values are left out (InfluxDB refuses
 * them); `undefined` when no field is left to write (NaN and infinities have no representation).
 */
export function pointToLine(point: Point): string | undefined {
  let fields = '';
  for (const key of Object.keys(point.fields)) {
    const value = fieldValue(point.fields[key] as number | string | boolean);
    const name = escapeKey(key);
    if (value === undefined || name === '') continue;
    fields += `${fields ? ',' : ''}${name}=${value}`;
  }
  const measurement = escapeMeasurement(point.measurement);
  if (!fields || !measurement) return undefined;
  let tags = '';
  for (const key of Object.keys(point.tags).sort()) {
    const name = escapeKey(key);
    const value = escapeKey(point.tags[key] as string);
    if (name && value) tags += `,${name}=${value}`;
  }
  return `${measurement}${tags} ${fields} ${Math.round(point.time)}`;
}

/** Lines for many points, skipping those that cannot be written. */
export function pointsToLines(points: readonly Point[]): string[] {
  const lines: string[] = [];
  for (const p of points) {
    const line = pointToLine(p);
    if (line !== undefined) lines.push(line);
  }
  return lines;
}

export type FieldType = 'float' | 'integer' | 'boolean' | 'string';

export interface LineShape {
  measurement: string;
  /** Field keys (unescaped) and the type their value has in the line. */
  fields: Map<string, FieldType>;
}

/** A tag key or field key: `\,` `\=` `\ ` are escapes. */
function unescapeKey(text: string): string {
  return text.replace(/\\([,= ])/g, '$1');
}

/** A measurement: only `\,` and `\ ` are escapes (`\=` stays as it is, as InfluxDB reads it). */
function unescapeMeasurement(text: string): string {
  return text.replace(/\\([, ])/g, '$1');
}

function typeOf(raw: string): FieldType {
  if (raw.startsWith('"')) return 'string';
  if (/^(t|T|true|True|TRUE|f|F|false|False|FALSE)$/.test(raw)) return 'boolean';
  return /^-?\d+i$/.test(raw) || /^\d+u$/.test(raw) ? 'integer' : 'float';
}

/**
 * Reads a line's measurement and field types — enough to tell which lines InfluxDB meant when it
 * answers "field type conflict: input field "x" on measurement "m" is type …".
 */
export function lineShape(line: string): LineShape | undefined {
  // Outside string values InfluxDB treats a character as escaped when a backslash precedes it.
  const escaped = (i: number) => i > 0 && line[i - 1] === '\\';
  let measurementEnd = -1;
  let keyEnd = -1;
  for (let i = 0; i < line.length; i++) {
    if (escaped(i)) continue;
    if (line[i] === ',' && measurementEnd < 0) measurementEnd = i;
    else if (line[i] === ' ') {
      keyEnd = i;
      break;
    }
  }
  if (keyEnd < 0) return undefined;
  const measurement = unescapeMeasurement(line.slice(0, measurementEnd < 0 ? keyEnd : measurementEnd));
  const fields = new Map<string, FieldType>();
  let start = keyEnd + 1;
  let eq = -1;
  for (let i = start; i <= line.length; i++) {
    const c = line[i];
    if (c === '"' && eq >= 0 && i === eq + 1) {
      // A string value: only \" and \\ are escapes inside it.
      for (i++; i < line.length && line[i] !== '"'; i++) if (line[i] === '\\') i++;
      continue;
    }
    if (i < line.length && escaped(i)) continue;
    if (c === '=' && eq < 0) eq = i;
    else if (c === ',' || c === ' ' || i === line.length) {
      if (eq > start) fields.set(unescapeKey(line.slice(start, eq)), typeOf(line.slice(eq + 1, i)));
      if (c !== ',') break;
      start = i + 1;
      eq = -1;
    }
  }
  return { measurement, fields };
}
