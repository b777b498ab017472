import { lines } from './parsers/text.js';
import { parsePlist } from './parsers/plist.js';
import type { SmartReading } from './smart.smartctl.js';

/**
 * Drive health as the operating system reports it, used where smartctl is not installed. It
 * only says pass or fail: no attribute details.
 */

const fromVerdict = (device: string, model: string, passed: boolean, detail: string, serial?: string): SmartReading => ({
  device,
  model,
  ...(serial ? { serial } : {}),
  smartPassed: passed,
  healthOk: passed,
  problems: passed ? [] : [detail],
});

/** Windows storage HealthStatus: numbers from CIM, names when formatted (never localized). */
const WINDOWS_HEALTH: Record<string, boolean | undefined> = { '0': true, healthy: true, '1': false, warning: false, '2': false, unhealthy: false };

/**
 * `Get-PhysicalDisk | Select-Object DeviceId,FriendlyName,SerialNumber,HealthStatus | ConvertTo-Json`
 * (one object for a single disk, an array otherwise). Disks with unknown health are left out.
 */
export function parsePhysicalDiskJson(text: string): SmartReading[] {
  const trimmed = text.trim();
  if (!trimmed) return [];
  const parsed: unknown = JSON.parse(trimmed);
  const list = Array.isArray(parsed) ? parsed : [parsed];
  const out: SmartReading[] = [];
  for (const item of list) {
    if (!item || typeof item !== 'object') continue;
    const d = item as Record<string, unknown>;
    const healthy = WINDOWS_HEALTH[String(d.HealthStatus).toLowerCase()];
    if (healthy === undefined) continue;
    const serial = typeof d.SerialNumber === 'string' ? d.SerialNumber.trim() : undefined;
    out.push(fromVerdict(`PhysicalDisk${String(d.DeviceId ?? out.length)}`, String(d.FriendlyName ?? 'unknown').trim(), healthy, `Windows reports health status ${String(d.HealthStatus)}`, serial));
  }
  return out;
}

/** `wmic diskdrive get DeviceID,Model,SerialNumber,Status /format:list`: Status is OK, Pred Fail, Error... */
export function parseWmicDiskDrive(text: string): SmartReading[] {
  const out: SmartReading[] = [];
  let rec: Record<string, string> = {};
  const flush = () => {
    if (rec.DeviceID && rec.Status && rec.Status !== 'Unknown') {
      out.push(fromVerdict(rec.DeviceID, rec.Model || 'unknown', rec.Status === 'OK', `Windows reports drive status "${rec.Status}"`, rec.SerialNumber));
    }
    rec = {};
  };
  for (const line of lines(text)) {
    const eq = line.indexOf('=');
    if (eq <= 0) {
      if (!line.trim()) flush();
      continue;
    }
    const key = line.slice(0, eq).trim();
    if (key in rec) flush();
    rec[key] = line.slice(eq + 1).trim();
  }
  flush();
  return out;
}

/** `diskutil list -plist physical`: the whole-disk identifiers (disk0, disk1...). */
export function parseDiskutilWholeDisks(xml: string): string[] {
  const doc = parsePlist(xml) as { WholeDisks?: unknown } | undefined;
  return Array.isArray(doc?.WholeDisks) ? doc.WholeDisks.filter((d): d is string => typeof d === 'string' && /^disk\d+$/.test(d)) : [];
}

/** `diskutil info -plist diskN`: SMARTStatus is Verified, Failing or Not Supported (then undefined). */
export function parseDiskutilInfo(xml: string, disk: string): SmartReading | undefined {
  const doc = (parsePlist(xml) ?? {}) as Record<string, unknown>;
  const status = typeof doc.SMARTStatus === 'string' ? doc.SMARTStatus : '';
  if (status !== 'Verified' && status !== 'Failing') return undefined;
  const device = typeof doc.DeviceNode === 'string' ? doc.DeviceNode : `/dev/${disk}`;
  const model = typeof doc.MediaName === 'string' && doc.MediaName.trim() ? doc.MediaName.trim() : 'unknown';
  return fromVerdict(device, model, status === 'Verified', 'macOS reports SMART status Failing');
}
