import type { ReportFrame } from './frames.js';
import { LIMITS } from './limits.js';
import { PROTOCOL_VERSION } from './version.js';

// A hand-written check of the report frame, the collector's hot path: a report arrives from every
// agent every 15 s, and the zod parse of a real one (about 6 KB, 50 metrics and checks) costs
// several times its JSON.parse. It accepts exactly what `reportFrameSchema` accepts *without
// changing anything* (no key zod would strip); whatever it is not sure of goes to zod, which
// decides and writes the error message naming the field. frames.test.ts holds the two to the
// same answers.

const METRIC_KEY = /^[a-z][a-z0-9_]*$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
const MIN_EPOCH_MS = 946_684_800_000;
const MAX_EPOCH_MS = 7_258_118_400_000;
const TRIGGERS = new Set(['interval', 'change', 'recheck', 'replay']);
const STATUSES = new Set(['pass', 'warn', 'fail']);
const REPORT_KEYS = new Set(['v', 'type', 'seq', 'collectedAt', 'trigger', 'policyVersion', 'metrics', 'checks']);
const METRIC_KEYS = new Set(['m', 'tags', 'fields']);
const CHECK_KEYS = new Set(['name', 'instance', 'status', 'reason', 'observed', 'threshold', 'since']);

type Obj = Record<string, unknown>;

const isObject = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const isKey = (x: unknown): boolean => typeof x === 'string' && x.length <= LIMITS.maxNameLength && METRIC_KEY.test(x);
const isPrintable = (x: unknown, max: number, min = 0): boolean => typeof x === 'string' && x.length <= max && x.length >= min && !CONTROL.test(x);
const isEpochMs = (x: unknown): boolean => Number.isSafeInteger(x) && (x as number) >= MIN_EPOCH_MS && (x as number) <= MAX_EPOCH_MS;
const isFiniteNumber = (x: unknown): boolean => typeof x === 'number' && Number.isFinite(x);
/** observed / threshold: a finite number, a string of at most 256 characters, or a boolean. */
const isObservation = (x: unknown): boolean => isFiniteNumber(x) || typeof x === 'boolean' || (typeof x === 'string' && x.length <= 256);

function onlyKeys(o: Obj, allowed: ReadonlySet<string>): boolean {
  for (const k in o) if (!allowed.has(k)) return false;
  return true;
}

function isMetric(x: unknown): boolean {
  if (!isObject(x) || !onlyKeys(x, METRIC_KEYS) || !isKey(x.m)) return false;
  if (x.tags !== undefined) {
    if (!isObject(x.tags)) return false;
    let n = 0;
    for (const k in x.tags) {
      if (++n > LIMITS.maxTagsPerMetric || !isKey(k) || !isPrintable(x.tags[k], LIMITS.maxTagValueLength, 1)) return false;
    }
  }
  if (!isObject(x.fields)) return false;
  let n = 0;
  for (const k in x.fields) {
    const v = x.fields[k];
    if (++n > LIMITS.maxFieldsPerMetric || !isKey(k)) return false;
    if (!(isFiniteNumber(v) || typeof v === 'boolean' || isPrintable(v, LIMITS.maxStringFieldLength))) return false;
  }
  return n >= 1;
}

function isCheck(x: unknown): boolean {
  if (!isObject(x) || !onlyKeys(x, CHECK_KEYS) || !isKey(x.name)) return false;
  if (typeof x.status !== 'string' || !STATUSES.has(x.status) || !isPrintable(x.reason, LIMITS.maxReasonLength)) return false;
  if (x.instance !== undefined && !isPrintable(x.instance, LIMITS.maxTagValueLength, 1)) return false;
  if (x.observed !== undefined && !isObservation(x.observed)) return false;
  if (x.threshold !== undefined && !isObservation(x.threshold)) return false;
  return x.since === undefined || isEpochMs(x.since);
}

/**
 * The frame as zod would return it (defaults `trigger` and `checks` filled in place), when `value`
 * is a valid report with no keys zod would drop; undefined when zod has to look at it. `exact`:
 * no default was filled in, so the frame's JSON text says exactly what the frame holds.
 */
export function acceptReport(value: Obj): { frame: ReportFrame; exact: boolean } | undefined {
  if (value.v !== PROTOCOL_VERSION || value.type !== 'report' || !onlyKeys(value, REPORT_KEYS)) return undefined;
  const { seq, metrics, checks } = value;
  if (!Number.isSafeInteger(seq) || (seq as number) < 1 || !isEpochMs(value.collectedAt)) return undefined;
  if (value.trigger !== undefined && (typeof value.trigger !== 'string' || !TRIGGERS.has(value.trigger))) return undefined;
  if (value.policyVersion !== undefined && !isPrintable(value.policyVersion, 64)) return undefined;
  if (!Array.isArray(metrics) || metrics.length > LIMITS.maxMetricsPerReport) return undefined;
  for (const m of metrics) if (!isMetric(m)) return undefined;
  if (checks !== undefined) {
    if (!Array.isArray(checks) || checks.length > LIMITS.maxChecksPerReport) return undefined;
    for (const c of checks) if (!isCheck(c)) return undefined;
  }
  const exact = value.trigger !== undefined && checks !== undefined;
  value.trigger ??= 'interval';
  value.checks ??= [];
  return { frame: value as unknown as ReportFrame, exact };
}
