import { lines } from '../../probes/parsers/text.js';
import type { RawSoftware } from '../types.js';

export type RegValue = string | number | string[];
/** Registry keys by full path, each with its named values (`""` is the default value). */
export type RegKeys = Map<string, Record<string, RegValue>>;

/** Decodes the bytes of a hex(2)/hex(7) value: UTF-16LE, NUL-separated. */
function utf16Strings(hex: string): string[] {
  const bytes = Buffer.from(hex.replace(/[^0-9a-fA-F]/g, ''), 'hex');
  return bytes.toString('utf16le', 0, bytes.length & ~1).split('\0');
}

function regFileValue(raw: string): RegValue | undefined {
  if (raw.startsWith('"')) return raw.slice(1, raw.lastIndexOf('"')).replace(/\\(["\\])/g, '$1');
  const dword = /^dword:([0-9a-fA-F]{8})$/.exec(raw);
  if (dword?.[1]) return parseInt(dword[1], 16);
  const typed = /^hex\(([0-9a-fA-F]+)\):(.*)$/.exec(raw);
  if (typed?.[2] !== undefined) {
    const type = parseInt(typed[1] ?? '', 16);
    if (type === 2) return utf16Strings(typed[2])[0] ?? '';
    if (type === 7) return utf16Strings(typed[2]).filter(Boolean);
    if (type === 0xb) {
      const bytes = Buffer.from(typed[2].replace(/[^0-9a-fA-F]/g, ''), 'hex');
      return bytes.length === 8 ? Number(bytes.readBigUInt64LE()) : undefined;
    }
  }
  return undefined; // binary values and deletions say nothing about software
}

/** A regedit export (`reg export`, "Windows Registry Editor Version 5.00"), already decoded from UTF-16LE. */
export function parseRegFile(text: string): RegKeys {
  const keys: RegKeys = new Map();
  let current: Record<string, RegValue> | undefined;
  let pending = '';
  for (const rawLine of lines(text)) {
    // A trailing backslash continues a long hex value on the next line.
    const line = pending + (pending ? rawLine.trimStart() : rawLine);
    if (line.endsWith('\\') && /=hex(\([0-9a-fA-F]+\))?:/.test(line)) {
      pending = line.slice(0, -1);
      continue;
    }
    pending = '';
    const section = /^\[(-?)(.+)\]$/.exec(line.trim());
    if (section?.[2]) {
      current = section[1] ? undefined : {};
      if (current) keys.set(section[2], current);
      continue;
    }
    const value = /^(?:"((?:[^"\\]|\\.)*)"|@)=(.*)$/.exec(line);
    if (!value || !current) continue;
    const parsed = regFileValue((value[2] ?? '').trim());
    if (parsed !== undefined) current[(value[1] ?? '').replace(/\\(["\\])/g, '$1')] = parsed;
  }
  return keys;
}

/**
 * `reg query <key> /s`: a key path on its own line, then "    Name    REG_TYPE    data" lines.
 * The type names are not localized; the default value's name is, so it is stored as "".
 */
export function parseRegQuery(text: string): RegKeys {
  const keys: RegKeys = new Map();
  let current: Record<string, RegValue> | undefined;
  for (const line of lines(text)) {
    if (/^HKEY_/.test(line)) {
      keys.set(line.trim(), (current = {}));
      continue;
    }
    const m = /^ {4}(.*?) {4}(REG_[A-Z_]+)(?: {4}(.*))?$/.exec(line);
    if (!m || !current) continue;
    const name = /^\(.*\)$/.test(m[1] ?? '') ? '' : (m[1] ?? '');
    const data = m[3] ?? '';
    if (m[2] === 'REG_DWORD' || m[2] === 'REG_QWORD') current[name] = Number(data);
    else if (m[2] === 'REG_MULTI_SZ') current[name] = data.split('\\0').filter(Boolean);
    else if (m[2] === 'REG_SZ' || m[2] === 'REG_EXPAND_SZ') current[name] = data;
  }
  return keys;
}

const text = (v: RegValue | undefined) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

/** "20210724" → "2021-07-24"; other spellings are left out rather than guessed. */
function installDate(v: RegValue | undefined): string | undefined {
  const m = typeof v === 'string' ? /^(\d{4})(\d{2})(\d{2})$/.exec(v.trim()) : null;
  return m ? `${m[1]}-${m[2]}-${m[3]}` : undefined;
}

/**
 * Installed programs from the subkeys of an Uninstall key. Like "Programs and Features", it
 * leaves out system components, updates attached to a parent program and keys without a name.
 */
export function uninstallEntries(keys: RegKeys): RawSoftware[] {
  const out: RawSoftware[] = [];
  for (const [path, values] of keys) {
    if (!/\\Uninstall\\[^\\]+$/i.test(path)) continue;
    const name = text(values.DisplayName);
    if (!name || values.SystemComponent === 1 || text(values.ParentKeyName)) continue;
    const version = text(values.DisplayVersion);
    const publisher = text(values.Publisher);
    const date = installDate(values.InstallDate);
    out.push({ name, ...(version ? { version } : {}), ...(publisher ? { publisher } : {}), source: 'registry', ...(date ? { installedAt: date } : {}) });
  }
  return out;
}
