// Benchmark reports: ratios of each subject to the references measured in the same run, targets,
// and the markdown + JSON files written to bench/results/.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * What a benchmark's `run()` returns.
 * @typedef {{ key: string, label: string, unit?: string, digits?: number, compare?: boolean }} Column
 *   `compare`: ratios subject/reference are computed for this column.
 * @typedef {{ name: string, role: 'subject' | 'reference', values: Record<string, number | null>, note?: string }} Row
 * @typedef {{ label: string, row: string, key: string, per?: string, op: '<=' | '<' | '>=' | '>', value: number }} Target
 *   A limit on `row`'s `key`, or on its ratio to row `per` when given.
 * @typedef {{ title: string, summary?: string, parameters?: Record<string, unknown>, columns: Column[], rows: Row[],
 *   targets?: Target[], notes?: string[], details?: Record<string, unknown> }} BenchResult
 */

/** subject/reference for every column marked `compare`. */
export function ratios(result) {
  const out = [];
  const subjects = result.rows.filter((r) => r.role === 'subject');
  const references = result.rows.filter((r) => r.role === 'reference');
  for (const col of result.columns.filter((c) => c.compare)) {
    for (const s of subjects) {
      for (const ref of references) {
        const a = s.values[col.key];
        const b = ref.values[col.key];
        const value = typeof a === 'number' && typeof b === 'number' && b > 0 ? a / b : null;
        out.push({ key: col.key, label: `${col.label}: ${s.name} / ${ref.name}`, subject: s.name, reference: ref.name, value });
      }
    }
  }
  return out;
}

const OPS = { '<=': (a, b) => a <= b, '<': (a, b) => a < b, '>=': (a, b) => a >= b, '>': (a, b) => a > b };

/** Each target with the measured value and whether it was met (null when it could not be measured). */
export function evaluateTargets(result) {
  return (result.targets ?? []).map((t) => {
    const row = result.rows.find((r) => r.name === t.row);
    const raw = row?.values[t.key];
    let value = typeof raw === 'number' && Number.isFinite(raw) ? raw : null;
    if (t.per !== undefined && value !== null) {
      const base = result.rows.find((r) => r.name === t.per)?.values[t.key];
      value = typeof base === 'number' && base > 0 ? value / base : null;
    }
    return { ...t, measured: value, pass: value === null ? null : OPS[t.op](value, t.value) };
  });
}

export function formatNumber(value, digits = 2) {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  return Number(value).toFixed(digits);
}

const passText = (pass) => (pass === null ? 'not measured' : pass ? 'met' : 'MISSED');

/** The report as a JSON-ready object: the result plus ratios, targets and the environment. */
export function buildReport(name, result, environment) {
  return { benchmark: name, ...result, ratios: ratios(result), targets: evaluateTargets(result), environment };
}

export function renderMarkdown(report) {
  const lines = [`# ${report.title}`, ''];
  if (report.summary) lines.push(report.summary, '');
  const env = report.environment ?? {};
  lines.push(`Run ${env.date ?? ''} on ${env.cpuModel ?? 'unknown CPU'} (${env.cpus ?? '?'} cores, ${env.memoryGiB ?? '?'} GiB), ${env.os ?? ''}, Node ${env.node ?? ''}, commit ${env.commit ?? 'unknown'}.`, '');
  if (report.parameters && Object.keys(report.parameters).length > 0) {
    lines.push('| parameter | value |', '|---|---|');
    for (const [k, v] of Object.entries(report.parameters)) lines.push(`| ${k} | ${typeof v === 'string' ? v : JSON.stringify(v)} |`);
    lines.push('');
  }
  const head = report.columns.map((c) => (c.unit ? `${c.label} (${c.unit})` : c.label));
  lines.push(`| | ${head.join(' | ')} |`, `|---|${report.columns.map(() => '---:').join('|')}|`);
  for (const r of report.rows) {
    const cells = report.columns.map((c) => formatNumber(r.values[c.key], c.digits ?? 2));
    lines.push(`| ${r.role === 'reference' ? r.name : `**${r.name}**`} | ${cells.join(' | ')} |`);
  }
  lines.push('');
  if (report.ratios.length > 0) {
    lines.push('| ratio | value |', '|---|---:|');
    for (const q of report.ratios) lines.push(`| ${q.label} | ${formatNumber(q.value)}× |`);
    lines.push('');
  }
  if (report.targets.length > 0) {
    lines.push('| target | measured | result |', '|---|---:|---|');
    for (const t of report.targets) lines.push(`| ${t.label} (${t.op} ${t.value}) | ${formatNumber(t.measured)} | ${passText(t.pass)} |`);
    lines.push('');
  }
  const notes = report.rows.filter((r) => r.note).map((r) => `${r.name}: ${r.note}`).concat(report.notes ?? []);
  if (notes.length > 0) lines.push(...notes.map((n) => `- ${n}`), '');
  return `${lines.join('\n')}\n`;
}

/** A short plain-text summary for the terminal. */
export function renderConsole(report) {
  const lines = [`== ${report.title}`];
  const width = Math.max(...report.rows.map((r) => r.name.length));
  for (const r of report.rows) {
    const cells = report.columns.map((c) => `${c.label} ${formatNumber(r.values[c.key], c.digits ?? 2)}${c.unit ? ` ${c.unit}` : ''}`);
    lines.push(`  ${r.name.padEnd(width)}  ${cells.join(', ')}`);
  }
  for (const q of report.ratios) lines.push(`  ${q.label}: ${formatNumber(q.value)}×`);
  for (const t of report.targets) lines.push(`  target ${t.label} ${t.op} ${t.value}: ${formatNumber(t.measured)} → ${passText(t.pass)}`);
  for (const n of report.notes ?? []) lines.push(`  - ${n}`);
  return lines.join('\n');
}

/** Writes <name>-<YYYY-MM-DD>[-label][-n].md and .json into `dir`; never overwrites an earlier run. */
export function writeReport(dir, report, { label, date = new Date() } = {}) {
  mkdirSync(dir, { recursive: true });
  const day = date.toISOString().slice(0, 10);
  const base = [report.benchmark, day, label].filter(Boolean).join('-');
  let stem = base;
  for (let n = 2; existsSync(path.join(dir, `${stem}.json`)) || existsSync(path.join(dir, `${stem}.md`)); n += 1) stem = `${base}-${n}`;
  const files = { markdown: path.join(dir, `${stem}.md`), json: path.join(dir, `${stem}.json`) };
  writeFileSync(files.markdown, renderMarkdown(report));
  writeFileSync(files.json, `${JSON.stringify(report, null, 2)}\n`);
  return files;
}
