import type { Hardware } from '@siaga/shared';
import si from 'systeminformation';
import { cleanText } from '../probes/parsers/text.js';

/** Vendor placeholders that firmware leaves in unset DMI fields. */
const PLACEHOLDER = /^(default string|to be filled by o\.?e\.?m\.?|system (serial number|product name|manufacturer|version)|not specified|not applicable|not available|none|n\/a|unknown|invalid|0+|-+|x+)$/i;

/** A DMI/OS string cleaned for the inventory, or undefined for blanks and placeholders. */
export function dmiText(raw: unknown): string | undefined {
  const text = cleanText(raw);
  return text && !PLACEHOLDER.test(text) ? text : undefined;
}

const count = (n: unknown) => (typeof n === 'number' && Number.isInteger(n) && n > 0 ? n : undefined);
const bytes = (n: unknown) => (typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : undefined);

/** Drops undefined members so the hash and the wire format do not depend on absent keys. */
function compact<T extends Record<string, unknown>>(o: T): T | undefined {
  const out = Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Hardware and OS facts from systeminformation; runs rarely, so its slower calls are fine. */
export async function readHardware(): Promise<Hardware> {
  // One after another: on Windows each call starts PowerShell.
  const system = await si.system();
  const bios = await si.bios();
  const cpu = await si.cpu();
  const mem = await si.mem();
  const disks = await si.diskLayout();
  const os = await si.osInfo();
  const cpuModel = dmiText([cpu.manufacturer, cpu.brand].filter(Boolean).join(' '));
  const hw: Hardware = {
    vendor: dmiText(system.manufacturer),
    model: dmiText(system.model),
    serial: dmiText(system.serial),
    bios: compact({ vendor: dmiText(bios.vendor), version: dmiText(bios.version), date: dmiText(bios.releaseDate) }),
    cpu: compact({ model: cpuModel, cores: count(cpu.physicalCores), threads: count(cpu.cores) }),
    memoryBytes: bytes(mem.total),
    disks: disks
      .filter((d) => bytes(d.size) !== undefined)
      .slice(0, 64)
      .map((d) => ({ name: dmiText(d.device) ?? dmiText(d.name) ?? 'disk', model: dmiText(d.name), serial: dmiText(d.serialNum), sizeBytes: bytes(d.size), type: dmiText(d.type) }))
      .map((d) => compact(d) as NonNullable<Hardware['disks']>[number]),
    os: compact({ name: dmiText(os.distro), version: dmiText(os.release), build: dmiText(os.build) ?? dmiText(os.kernel) }),
  };
  return compact(hw as Record<string, unknown>) as Hardware;
}
