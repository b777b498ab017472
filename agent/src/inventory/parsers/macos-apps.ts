import { lines } from '../../probes/parsers/text.js';
import { parsePlist } from '../../probes/parsers/plist.js';
import type { RawSoftware } from '../types.js';

/** "Developer ID Application: Microsoft Corporation (UBF8T346G9)" → "Microsoft Corporation". */
export function signerName(signer: string | undefined): string | undefined {
  if (!signer) return undefined;
  const m = /^Developer ID Application:\s*(.+?)(?:\s*\([A-Z0-9]{10}\))?$/.exec(signer.trim());
  if (m?.[1]) return m[1];
  if (/^(Software Signing|Apple Mac OS Application Signing)$/.test(signer.trim())) return 'Apple';
  return undefined;
}

interface SpApp {
  _name?: unknown;
  version?: unknown;
  signed_by?: unknown;
  obtained_from?: unknown;
  lastModified?: unknown;
}

function fromItem(item: SpApp): RawSoftware | undefined {
  if (typeof item._name !== 'string' || !item._name.trim()) return undefined;
  const signers = Array.isArray(item.signed_by) ? item.signed_by.filter((s): s is string => typeof s === 'string') : [];
  const publisher = signerName(signers[0]) ?? (item.obtained_from === 'apple' ? 'Apple' : undefined);
  const version = typeof item.version === 'string' && item.version.trim() ? item.version.trim() : undefined;
  const modified = typeof item.lastModified === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(item.lastModified) ? item.lastModified : undefined;
  return { name: item._name, ...(version ? { version } : {}), ...(publisher ? { publisher } : {}), source: 'applications', ...(modified ? { installedAt: modified } : {}) };
}

/** `system_profiler -json SPApplicationsDataType` (macOS 10.15+). */
export function parseApplicationsJson(text: string): RawSoftware[] {
  const doc = JSON.parse(text) as { SPApplicationsDataType?: unknown };
  if (!Array.isArray(doc.SPApplicationsDataType)) throw new Error('no SPApplicationsDataType array');
  return doc.SPApplicationsDataType.map((i) => fromItem(i as SpApp)).filter((s): s is RawSoftware => s !== undefined);
}

/** `system_profiler -xml SPApplicationsDataType`: a plist array whose first dict holds `_items`. */
export function parseApplicationsXml(text: string): RawSoftware[] {
  const doc = parsePlist(text);
  const first = Array.isArray(doc) ? (doc[0] as { _items?: unknown } | undefined) : undefined;
  if (!Array.isArray(first?._items)) throw new Error('no _items in the SPApplicationsDataType plist');
  return first._items.map((i) => fromItem(i as SpApp)).filter((s): s is RawSoftware => s !== undefined);
}

/**
 * `system_profiler SPApplicationsDataType` as text: "    Name:" then "      Key: value" lines.
 * Dates there follow the user's locale (24/04/2024), so they are not used.
 */
export function parseApplicationsText(text: string): RawSoftware[] {
  const out: RawSoftware[] = [];
  let app: Record<string, string> | undefined;
  const flush = () => {
    const name = app?.['']?.trim();
    if (app && name) {
      const publisher = signerName(app['Signed by']?.split(', ')[0]) ?? (app['Obtained from'] === 'Apple' ? 'Apple' : undefined);
      out.push({ name, ...(app.Version ? { version: app.Version } : {}), ...(publisher ? { publisher } : {}), source: 'applications' });
    }
    app = undefined;
  };
  for (const line of lines(text)) {
    const head = /^ {4}(\S.*):$/.exec(line);
    if (head?.[1]) {
      flush();
      app = { '': head[1] };
      continue;
    }
    const kv = /^ {6}([^:]+): (.*)$/.exec(line);
    if (kv?.[1] && app && !(kv[1] in app)) app[kv[1]] = (kv[2] ?? '').trim();
  }
  flush();
  return out;
}
