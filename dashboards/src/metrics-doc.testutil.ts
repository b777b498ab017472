import { readFileSync } from 'node:fs';

/** What docs/metrics.md says one measurement has. */
export interface MeasurementDoc {
  tags: Set<string>;
  fields: Set<string>;
  /** Fields documented as strings (`ssid` (string)); numeric functions must not touch them. */
  stringFields: Set<string>;
  /** The first example value a tag's note gives: `cpu` (`cpu-total`) → cpu-total. */
  tagExamples: Map<string, string>;
}

export interface MetricsCatalog {
  hostTags: Set<string>;
  measurements: Map<string, MeasurementDoc>;
}

export const METRICS_DOC = new URL('../../docs/metrics.md', import.meta.url);

/** Removes parenthesised notes, which hold example values (`cpu-total`), not names. */
function stripNotes(text: string): string {
  let out = '';
  let depth = 0;
  for (const ch of text) {
    if (ch === '(') depth++;
    else if (ch === ')') depth = Math.max(0, depth - 1);
    else if (depth === 0) out += ch;
  }
  return out;
}

const names = (cell: string): string[] => [...stripNotes(cell).matchAll(/`([^`]+)`/g)].map((m) => m[1]!);

/** Fields followed by a note that starts with "string" (`problems` (string: why…)). */
function stringFields(cell: string): string[] {
  return [...cell.matchAll(/`([A-Za-z0-9_]+)`\s*\(string\b/g)].map((m) => m[1]!);
}

function tagExamples(cell: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of cell.matchAll(/`([A-Za-z0-9_]+)`\s*\(([^)]*)\)/g)) {
    const example = /`([^`]+)`/.exec(m[2]!)?.[1];
    if (example) out.set(m[1]!, example);
  }
  return out;
}

/** Splits a table row on `|` outside backticks. */
function cells(row: string): string[] {
  const out: string[] = [];
  let cur = '';
  let code = false;
  for (const ch of row.trim().replace(/^\|/, '').replace(/\|$/, '')) {
    if (ch === '`') code = !code;
    if (ch === '|' && !code) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  out.push(cur.trim());
  return out;
}

/** Reads the measurement tables and the host-tag rule of docs/metrics.md. */
export function parseMetricsDoc(markdown: string): MetricsCatalog {
  const hostLine = markdown.split('\n').findIndex((l) => /carries the host tags/.test(l));
  if (hostLine < 0) throw new Error('metrics.md: no "carries the host tags" rule found');
  // The rule runs over two lines: "…host tags `host` (hostname), `host_id`, `os` (…) and, when set…, `site` and `group`."
  const rule = markdown.split('\n').slice(hostLine, hostLine + 2).join(' ');
  const hostTags = new Set(names(rule));

  const measurements = new Map<string, MeasurementDoc>();
  for (const line of markdown.split('\n')) {
    if (!/^\|\s*`/.test(line)) continue;
    const [m, tags, fields] = cells(line);
    const measurement = names(m ?? '')[0];
    if (!measurement || fields === undefined) continue;
    if (measurements.has(measurement)) throw new Error(`metrics.md: ${measurement} is described twice`);
    measurements.set(measurement, { tags: new Set(names(tags ?? '')), fields: new Set(names(fields)), stringFields: new Set(stringFields(fields)), tagExamples: tagExamples(tags ?? '') });
  }
  return { hostTags, measurements };
}

export function loadMetricsCatalog(): MetricsCatalog {
  return parseMetricsDoc(readFileSync(METRICS_DOC, 'utf8'));
}
