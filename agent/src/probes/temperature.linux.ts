import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

/** hwmon drivers that measure the CPU package or its cores. */
const CPU_HWMON = new Set(['coretemp', 'k10temp', 'k8temp', 'zenpower', 'cpu_thermal', 'cpu-thermal', 'soc_thermal', 'via_cputemp']);
/** Labels of the whole-package reading, preferred over single cores (Tdie has no offset, Tctl may). */
const PACKAGE_LABEL = [/^Package id/i, /^Tdie$/i, /^Tctl$/i];
/** Thermal zones that are the CPU (the ACPI zone `acpitz` often is not, or is a constant in VMs). */
const CPU_ZONES = new Set(['x86_pkg_temp', 'cpu-thermal', 'cpu_thermal', 'soc_thermal', 'cpu0-thermal', 'cpu-0-0-thermal']);

const plausible = (c: number) => Number.isFinite(c) && c > -30 && c < 150;

async function readText(file: string): Promise<string | undefined> {
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    return undefined;
  }
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch {
    return [];
  }
}

const milli = (raw: string | undefined) => (raw !== undefined && /^-?\d+$/.test(raw) ? Number(raw) / 1000 : undefined);

async function fromHwmon(root: string): Promise<number | undefined> {
  for (const chip of await listDir(root)) {
    const dir = path.join(root, chip);
    if (!CPU_HWMON.has((await readText(path.join(dir, 'name'))) ?? '')) continue;
    const readings: { label: string; celsius: number }[] = [];
    for (const file of (await listDir(dir)).filter((f) => /^temp\d+_input$/.test(f))) {
      const celsius = milli(await readText(path.join(dir, file)));
      if (celsius === undefined || !plausible(celsius)) continue;
      readings.push({ label: (await readText(path.join(dir, file.replace('_input', '_label')))) ?? '', celsius });
    }
    for (const pattern of PACKAGE_LABEL) {
      const pkg = readings.filter((r) => pattern.test(r.label));
      if (pkg.length > 0) return Math.max(...pkg.map((r) => r.celsius));
    }
    if (readings.length > 0) return Math.max(...readings.map((r) => r.celsius));
  }
  return undefined;
}

async function fromThermalZones(root: string): Promise<number | undefined> {
  for (const zone of (await listDir(root)).filter((z) => z.startsWith('thermal_zone'))) {
    if (!CPU_ZONES.has((await readText(path.join(root, zone, 'type'))) ?? '')) continue;
    const celsius = milli(await readText(path.join(root, zone, 'temp')));
    if (celsius !== undefined && plausible(celsius)) return celsius;
  }
  return undefined;
}

/** CPU temperature in °C from hwmon, else from a CPU thermal zone; undefined when the kernel exposes none. */
export async function readLinuxCpuTemperature(roots = { hwmon: '/sys/class/hwmon', thermal: '/sys/class/thermal' }): Promise<number | undefined> {
  return (await fromHwmon(roots.hwmon)) ?? (await fromThermalZones(roots.thermal));
}
