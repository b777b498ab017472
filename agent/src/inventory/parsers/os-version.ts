import { lines } from '../../probes/parsers/text.js';

export interface OsVersion {
  name?: string;
  version?: string;
  build?: string;
}

/** `sw_vers`: "ProductName:\tmacOS", "ProductVersion:\t14.4.1", "BuildVersion:\t23E224". */
export function parseSwVers(text: string): OsVersion {
  const kv: Record<string, string> = {};
  for (const line of lines(text)) {
    const m = /^(\w+):\s*(.*)$/.exec(line.trim());
    if (m?.[1] && m[2]) kv[m[1]] = m[2].trim();
  }
  const out: OsVersion = {};
  if (kv.ProductName) out.name = kv.ProductName;
  if (kv.ProductVersion) out.version = kv.ProductVersion;
  if (kv.BuildVersion) out.build = kv.BuildVersion;
  return out;
}

/** `system_profiler SPSoftwareDataType`: "System Version: macOS 10.15.2 (19C57)". */
export function parseSpSoftware(text: string): OsVersion {
  const line = lines(text).find((l) => /^\s*System Version:/.test(l));
  const m = line ? /System Version:\s*(.+?)\s+(\d+(?:\.\d+)*)\s*(?:\((\w+)\))?\s*$/.exec(line) : null;
  if (!m) return {};
  return { name: m[1], version: m[2], ...(m[3] ? { build: m[3] } : {}) };
}
