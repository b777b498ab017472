import { lines, parseDecimal, parseGroupedInt } from './parsers/text.js';

/** One process as a listing command reports it. */
export interface ListedProcess {
  pid: number;
  name: string;
  rssBytes: number;
  /** Percent of one core; tasklist has none. */
  cpuPercent?: number;
}

/** `ps -axo pid=,rss=,%cpu=,comm=` (macOS): rss in KiB; comm last because it may hold spaces. */
export function parsePs(text: string): ListedProcess[] {
  const out: ListedProcess[] = [];
  for (const line of lines(text)) {
    const m = /^\s*(\d+)\s+(\d+)\s+([\d.,]+)\s+(.+?)\s*$/.exec(line);
    if (!m?.[4]) continue;
    out.push({ pid: Number(m[1]), rssBytes: Number(m[2]) * 1024, cpuPercent: parseDecimal(m[3]) ?? 0, name: m[4] });
  }
  return out;
}

/** Splits one CSV line with quoted fields ("a","b,c"). */
function csvFields(line: string): string[] {
  const fields: string[] = [];
  const re = /"((?:[^"]|"")*)"|([^,]*)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line)) !== null) {
    fields.push(m[1] !== undefined ? m[1].replace(/""/g, '"') : (m[2] ?? ''));
    if (re.lastIndex >= line.length) break;
    re.lastIndex++; // skip the comma
  }
  return fields;
}

/**
 * `tasklist /fo csv /nh`: image name, PID, session name, session number, memory. The memory
 * column is localized ("12,345 K", "12.345 K", "12 345 Ko"): only its digits count.
 */
export function parseTasklistCsv(text: string): ListedProcess[] {
  const out: ListedProcess[] = [];
  for (const line of lines(text)) {
    if (!line.startsWith('"')) continue;
    const f = csvFields(line);
    const pid = f[1] !== undefined && /^\d+$/.test(f[1]) ? Number(f[1]) : undefined;
    if (!f[0] || pid === undefined) continue;
    out.push({ pid, name: f[0], rssBytes: (parseGroupedInt(f[4]) ?? 0) * 1024 });
  }
  return out;
}
