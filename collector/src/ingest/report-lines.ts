import type { CheckResult, Metric, ReportFrame } from '@siaga/shared';
import { escapeKey, escapeMeasurement, fieldValue } from '../sinks/line-protocol.js';
import type { HostRecord } from '../store/hosts.js';
import { hostTags, STATUS_CODE } from './points.js';

// The report's line protocol built straight from the frame: exactly the lines of
// pointsToLines(reportPoints(host, frame)) (report-lines.test.ts holds the two together), without
// a Point object and a merged tag object per metric, and with the host's tags escaped and sorted
// once per host record instead of once per point. A report of 50 points costs a fifth as much.

interface Tag {
  key: string;
  /** `,key=value` escaped, or '' when the key or value escapes to nothing (left out, as pointToLine does). */
  text: string;
}

interface HostTagSet {
  sorted: Tag[];
  keys: Set<string>;
  /** All of them, for a point with no tags of its own. */
  text: string;
}

const hostTagCache = new WeakMap<HostRecord, HostTagSet>();

function tag(key: string, value: string): Tag {
  const k = escapeKey(key);
  const v = escapeKey(value);
  return { key, text: k && v ? `,${k}=${v}` : '' };
}

function hostTagSet(host: HostRecord): HostTagSet {
  let set = hostTagCache.get(host);
  if (!set) {
    const tags = hostTags(host);
    const keys = Object.keys(tags).sort();
    const sorted = keys.map((k) => tag(k, tags[k] as string));
    set = { sorted, keys: new Set(keys), text: sorted.map((t) => t.text).join('') };
    hostTagCache.set(host, set);
  }
  return set;
}

/** The sorted host tags merged with `own` (sorted; keys the host does not have). */
function tagText(host: HostTagSet, own: Tag[]): string {
  if (own.length === 0) return host.text;
  let out = '';
  let i = 0;
  let j = 0;
  while (i < host.sorted.length || j < own.length) {
    const a = host.sorted[i];
    const b = own[j];
    if (b === undefined || (a !== undefined && a.key < b.key)) {
      out += (a as Tag).text;
      i++;
    } else {
      out += b.text;
      j++;
    }
  }
  return out;
}

function line(measurement: string, tags: string, fields: Record<string, number | string | boolean>, time: string): string | undefined {
  let text = '';
  for (const key of Object.keys(fields)) {
    const value = fieldValue(fields[key] as number | string | boolean);
    const name = escapeKey(key);
    if (value === undefined || name === '') continue;
    text += `${text ? ',' : ''}${name}=${value}`;
  }
  const m = escapeMeasurement(measurement);
  return text && m ? `${m}${tags} ${text} ${time}` : undefined;
}

function metricLine(host: HostTagSet, metric: Metric, time: string): string | undefined {
  const own: Tag[] = [];
  if (metric.tags) {
    // The host's tags win over the agent's (reportPoints: `{ ...metric.tags, ...hostTags }`).
    for (const key of Object.keys(metric.tags).sort()) if (!host.keys.has(key)) own.push(tag(key, metric.tags[key] as string));
  }
  return line(metric.m, tagText(host, own), metric.fields, time);
}

function checkLine(host: HostTagSet, check: CheckResult, time: string): string | undefined {
  // Host tags never use the names `check` and `instance` (hostTags), so nothing overrides.
  const own = [tag('check', check.name)];
  if (check.instance !== undefined) own.push(tag('instance', check.instance));
  const fields: Record<string, number | string> = { status_code: STATUS_CODE[check.status], status: check.status, reason: check.reason };
  if (typeof check.observed === 'number') fields.value = check.observed;
  return line('siaga_check', tagText(host, own), fields, time);
}

/** The lines a report becomes in InfluxDB: its metrics with the host's tags, and a `siaga_check` line per check. */
export function reportLines(host: HostRecord, frame: ReportFrame): string[] {
  const tags = hostTagSet(host);
  const time = String(Math.round(frame.collectedAt));
  const lines: string[] = [];
  for (const metric of frame.metrics) {
    const l = metricLine(tags, metric, time);
    if (l !== undefined) lines.push(l);
  }
  for (const check of frame.checks) {
    const l = checkLine(tags, check, time);
    if (l !== undefined) lines.push(l);
  }
  return lines;
}
