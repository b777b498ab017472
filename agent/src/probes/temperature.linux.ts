import path from 'node:path';
import { listKernelDir, readKernelFile } from './kernel-files.js';

/** hwmon drivers that measure the CPU package or its cores. */
const CPU_HWMON = new Set(['coretemp', 'k10temp', 'k8temp', 'zenpower', 'cpu_thermal', 'cpu-thermal', 'soc_thermal', 'via_cputemp']);
/** Labels of the whole-package reading, preferred over single cores (Tdie has no offset, Tctl may). */
const PACKAGE_LABEL = [/^Package id/i, /^Tdie$/i, /^Tctl$/i];
/** Thermal zones that are the CPU (the ACPI zone `acpitz` often is not, or is a constant in VMs). */
const CPU_ZONES = new Set(['x86_pkg_temp', 'cpu-thermal', 'cpu_thermal', 'soc_thermal', 'cpu0-thermal', 'cpu-0-0-thermal']);

const plausible = (c: number) => Number.isFinite(c) && c > -30 && c < 150;

const readText = (file: string): string | undefined => readKernelFile(file)?.trim();

const milli = (raw: string | undefined) => (raw !== undefined && /^-?\d+$/.test(raw) ? Number(raw) / 1000 : undefined);

function fromHwmon(root: string): number | undefined {
  for (const chip of listKernelDir(root)) {
    const dir = path.join(root, chip);
    if (!CPU_HWMON.has(readText(path.join(dir, 'name')) ?? '')) continue;
    const readings: { label: string; celsius: number }[] = [];
    for (const file of listKernelDir(dir).filter((f) => /^temp\d+_input$/.test(f))) {
      const celsius = milli(readText(path.join(dir, file)));
      if (celsius === undefined || !plausible(celsius)) continue;
      readings.push({ label: readText(path.join(dir, file.replace('_input', '_label'))) ?? '', celsius });
    }
    for (const pattern of PACKAGE_LABEL) {
      const pkg = readings.filter((r) => pattern.test(r.label));
      if (pkg.length > 0) return Math.max(...pkg.map((r) => r.celsius));
    }
    if (readings.length > 0) return Math.max(...readings.map((r) => r.celsius));
  }
  return undefined;
}

function fromThermalZones(root: string): number | undefined {
  for (const zone of (listKernelDir(root)).filter((z) => z.startsWith('thermal_zone'))) {
    if (!CPU_ZONES.has(readText(path.join(root, zone, 'type')) ?? '')) continue;
    const celsius = milli(readText(path.join(root, zone, 'temp')));
    if (celsius !== undefined && plausible(celsius)) return celsius;
  }
  return undefined;
}

/** CPU temperature in °C from hwmon, else from a CPU thermal zone; undefined when the kernel exposes none. */
export async function readLinuxCpuTemperature(roots = { hwmon: '/sys/class/hwmon', thermal: '/sys/class/thermal' }): Promise<number | undefined> {
  return fromHwmon(roots.hwmon) ?? fromThermalZones(roots.thermal);
}
