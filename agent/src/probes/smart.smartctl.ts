/** Parsers for smartmontools' JSON output (`smartctl --json`), for ATA, NVMe and SCSI drives. */

export interface SmartReading {
  device: string;
  model: string;
  serial?: string;
  /** The drive's own overall self-assessment. */
  smartPassed?: boolean;
  /** The self-assessment *and* no reallocated/pending sectors, media errors or critical warning. */
  healthOk: boolean;
  tempC?: number;
  powerOnHours?: number;
  reallocatedSectors?: number;
  pendingSectors?: number;
  mediaErrors?: number;
  percentageUsed?: number;
  criticalWarning?: number;
  /** Human reasons why the drive is not healthy, e.g. "304 reallocated sectors". */
  problems: string[];
}

export interface ScannedDevice {
  name: string;
  type?: string;
  /** Set when smartctl could not open the device (typically: not running as root). */
  openError?: string;
}

type Json = Record<string, unknown>;

const obj = (v: unknown): Json | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

/** smartctl's first error message, e.g. "Smartctl open device: /dev/sda failed: Permission denied". */
function firstMessage(doc: Json): string | undefined {
  for (const m of arr(obj(doc.smartctl)?.messages)) {
    const text = str(obj(m)?.string);
    if (text) return text;
  }
  return undefined;
}

/** `smartctl --scan-open --json`: the devices smartctl can talk to. */
export function parseSmartctlScan(doc: unknown): ScannedDevice[] {
  const root = obj(doc);
  if (!root) throw new Error('smartctl --scan-open: output is not a JSON object');
  const out: ScannedDevice[] = [];
  for (const d of arr(root.devices)) {
    const dev = obj(d);
    const name = str(dev?.name);
    if (!dev || !name) continue;
    const type = str(dev.type);
    const openError = str(dev.open_error);
    out.push({ name, ...(type ? { type } : {}), ...(openError ? { openError } : {}) });
  }
  return out;
}

/** Raw value of an ATA attribute; vendors pack extra data into raw.value, so the leading number of raw.string wins. */
function ataRaw(doc: Json, id: number): number | undefined {
  for (const a of arr(obj(doc.ata_smart_attributes)?.table)) {
    const attr = obj(a);
    if (num(attr?.id) !== id) continue;
    const raw = obj(attr?.raw);
    const lead = /^\s*(\d+)/.exec(str(raw?.string) ?? '');
    return lead?.[1] ? Number(lead[1]) : num(raw?.value);
  }
  return undefined;
}

/** Names of ATA attributes whose normalized value is at or below the threshold right now. */
function failingAttributes(doc: Json): string[] {
  return arr(obj(doc.ata_smart_attributes)?.table)
    .map(obj)
    .filter((a) => a?.when_failed === 'now')
    .map((a) => str(a?.name) ?? `attribute ${String(a?.id)}`);
}

/** "Percentage Used Endurance Indicator" from the ATA device statistics (only in `-x` output). */
function ataPercentageUsed(doc: Json): number | undefined {
  for (const page of arr(obj(doc.ata_device_statistics)?.pages)) {
    for (const row of arr(obj(page)?.table)) {
      if (str(obj(row)?.name) === 'Percentage Used Endurance Indicator') return num(obj(row)?.value);
    }
  }
  return undefined;
}

/**
 * One drive's `smartctl --json -a` output. Throws with smartctl's own message when the drive
 * could not be read at all (exit bits 0-1 and no SMART status).
 */
export function parseSmartctlDevice(doc: unknown, fallbackName = 'unknown'): SmartReading {
  const root = obj(doc);
  if (!root) throw new Error(`${fallbackName}: smartctl output is not a JSON object`);
  const device = str(obj(root.device)?.name) ?? fallbackName;
  const exitStatus = num(obj(root.smartctl)?.exit_status) ?? 0;
  const status = obj(root.smart_status);
  if (!status && (exitStatus & 0b11) !== 0) throw new Error(`${device}: ${firstMessage(root) ?? `smartctl exit status ${exitStatus}`}`);

  const nvme = obj(root.nvme_smart_health_information_log);
  const smartPassed = typeof status?.passed === 'boolean' ? status.passed : undefined;
  const reading: SmartReading = {
    device,
    model: str(root.model_name) ?? str(root.scsi_model_name) ?? str(root.product) ?? 'unknown',
    healthOk: false,
    problems: [],
  };
  const serial = str(root.serial_number);
  if (serial) reading.serial = serial;
  if (smartPassed !== undefined) reading.smartPassed = smartPassed;
  const temp = num(obj(root.temperature)?.current) ?? num(nvme?.temperature);
  if (temp !== undefined) reading.tempC = temp;
  const hours = num(obj(root.power_on_time)?.hours) ?? num(nvme?.power_on_hours);
  if (hours !== undefined) reading.powerOnHours = hours;

  if (nvme) {
    reading.mediaErrors = num(nvme.media_errors);
    reading.percentageUsed = num(nvme.percentage_used);
    reading.criticalWarning = num(nvme.critical_warning);
  } else if (root.ata_smart_attributes) {
    reading.reallocatedSectors = ataRaw(root, 5);
    reading.pendingSectors = ataRaw(root, 197);
    reading.percentageUsed = ataPercentageUsed(root);
  } else {
    reading.reallocatedSectors = num(root.scsi_grown_defect_list);
  }
  for (const key of Object.keys(reading) as (keyof SmartReading)[]) if (reading[key] === undefined) delete reading[key];

  const problems = reading.problems;
  if (smartPassed === false) problems.push('overall self-assessment FAILED');
  else if (smartPassed === undefined) problems.push('no SMART overall assessment');
  if (reading.reallocatedSectors) problems.push(`${reading.reallocatedSectors} reallocated sectors`);
  if (reading.pendingSectors) problems.push(`${reading.pendingSectors} pending sectors`);
  if (reading.mediaErrors) problems.push(`${reading.mediaErrors} media errors`);
  if (reading.criticalWarning) problems.push(`critical warning 0x${reading.criticalWarning.toString(16)}`);
  for (const name of failingAttributes(root)) problems.push(`attribute ${name} failing now`);
  reading.healthOk = problems.length === 0;
  return reading;
}
