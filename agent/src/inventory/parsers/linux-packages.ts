import { lines } from '../../probes/parsers/text.js';
import type { RawSoftware } from '../types.js';

/** dpkg-query's own format for the agent: the package, its version, architecture and status word. */
export const DPKG_FORMAT = '${Package}\\t${Version}\\t${Architecture}\\t${db:Status-Status}\\n';
export const DPKG_COLUMNS = ['Package', 'Version', 'Architecture', 'db:Status-Status'] as const;

/** rpm's format for the agent (epoch 0 when unset). */
export const RPM_FORMAT = '%{NAME}\\t%|EPOCH?{%{EPOCH}}:{0}|\\t%{VERSION}\\t%{RELEASE}\\t%{INSTALLTIME}\\t%{ARCH}\\t%{VENDOR}\\n';
export const RPM_COLUMNS = ['NAME', 'EPOCH', 'VERSION', 'RELEASE', 'INSTALLTIME', 'ARCH', 'VENDOR'] as const;

/** Splits a tab-separated line; hand-edited lists sometimes use spaces, accepted when the count fits. */
function fields(line: string, count: number): string[] | undefined {
  const tabbed = line.split('\t');
  if (tabbed.length >= count - 1) return tabbed.map((f) => f.trim());
  const spaced = line.trim().split(/\s+/);
  return spaced.length === count ? spaced : undefined;
}

/** A dpkg status: "install ok installed" (Status) or "installed" (db:Status-Status). Absent means installed. */
const isInstalled = (status: string | undefined) => !status || status.split(/\s+/).at(-1) === 'installed';

/** `dpkg-query -W -f=...` output for the given column order (`Package`, `Version`, `Status`...). */
export function parseDpkgQuery(text: string, columns: readonly string[]): RawSoftware[] {
  const out: RawSoftware[] = [];
  const col = (name: string) => columns.findIndex((c) => c === name || c === `db:${name}-${name}`);
  const iName = columns.indexOf('Package');
  const iVersion = columns.indexOf('Version');
  const iStatus = col('Status');
  for (const line of lines(text)) {
    if (!line.trim()) continue;
    const f = fields(line, columns.length);
    const name = f?.[iName];
    if (!f || !name || !isInstalled(f[iStatus] || undefined)) continue;
    out.push({ name, ...(f[iVersion] ? { version: f[iVersion] } : {}), source: 'dpkg' });
  }
  return out;
}

const epochToIso = (raw: string | undefined) => (raw && /^\d+$/.test(raw) && Number(raw) > 0 ? new Date(Number(raw) * 1000).toISOString() : undefined);

/**
 * `rpm -qa --queryformat ...` output for the given column order. Understands NAME, EPOCH,
 * VERSION, RELEASE or a combined VERSION-RELEASE column, INSTALLTIME and VENDOR.
 */
export function parseRpmQuery(text: string, columns: readonly string[]): RawSoftware[] {
  const out: RawSoftware[] = [];
  const at = (f: string[], name: string) => {
    const i = columns.indexOf(name);
    return i >= 0 ? f[i] : undefined;
  };
  for (const line of lines(text)) {
    if (!line.trim()) continue;
    const f = fields(line, columns.length);
    const name = f && at(f, 'NAME');
    if (!f || !name) continue;
    const epoch = at(f, 'EPOCH');
    const release = at(f, 'RELEASE');
    const base = at(f, 'VERSION-RELEASE') ?? (release ? `${at(f, 'VERSION') ?? ''}-${release}` : at(f, 'VERSION'));
    const version = base && epoch && epoch !== '0' && epoch !== '(none)' ? `${epoch}:${base}` : base;
    const vendor = at(f, 'VENDOR');
    const installedAt = epochToIso(at(f, 'INSTALLTIME'));
    out.push({
      name,
      ...(version ? { version } : {}),
      ...(vendor && vendor !== '(none)' ? { publisher: vendor } : {}),
      source: 'rpm',
      ...(installedAt ? { installedAt } : {}),
    });
  }
  return out;
}
