import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { probeContext } from '../testing/probe-context.testutil.js';
import { readLinuxCpuTemperature } from './temperature.linux.js';
import { createTemperatureProbe, temperatureProbe } from './temperature.js';

const temps: string[] = [];
afterEach(async () => {
  for (const dir of temps.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** Builds a fake sysfs: `{ 'hwmon/hwmon0/name': 'coretemp', ... }`. */
async function sysfs(files: Record<string, string>) {
  const root = await mkdtemp(path.join(os.tmpdir(), 'siaga-sysfs-'));
  temps.push(root);
  await mkdir(path.join(root, 'hwmon'));
  await mkdir(path.join(root, 'thermal'));
  for (const [rel, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
    await writeFile(path.join(root, rel), `${content}\n`);
  }
  return { hwmon: path.join(root, 'hwmon'), thermal: path.join(root, 'thermal') };
}

describe('Linux CPU temperature', () => {
  it('prefers the coretemp package reading over cores and skips non-CPU chips', async () => {
    const roots = await sysfs({
      'hwmon/hwmon0/name': 'acpitz',
      'hwmon/hwmon0/temp1_input': '27800',
      'hwmon/hwmon1/name': 'nvme',
      'hwmon/hwmon1/temp1_input': '41850',
      'hwmon/hwmon2/name': 'coretemp',
      'hwmon/hwmon2/temp1_input': '52000',
      'hwmon/hwmon2/temp1_label': 'Package id 0',
      'hwmon/hwmon2/temp2_input': '61000',
      'hwmon/hwmon2/temp2_label': 'Core 0',
    });
    expect(await readLinuxCpuTemperature(roots)).toBe(52);
  });

  it('uses Tctl of k10temp (AMD) and the hottest core when there is no package label', async () => {
    expect(await readLinuxCpuTemperature(await sysfs({ 'hwmon/hwmon3/name': 'k10temp', 'hwmon/hwmon3/temp1_input': '48125', 'hwmon/hwmon3/temp1_label': 'Tctl', 'hwmon/hwmon3/temp3_input': '39000', 'hwmon/hwmon3/temp3_label': 'Tccd1' }))).toBe(48.125);
    expect(await readLinuxCpuTemperature(await sysfs({ 'hwmon/hwmon0/name': 'cpu_thermal', 'hwmon/hwmon0/temp1_input': '44300', 'hwmon/hwmon0/temp2_input': '45100' }))).toBe(45.1);
  });

  it('falls back to a CPU thermal zone, ignores the ACPI zone and implausible values', async () => {
    const roots = await sysfs({
      'thermal/thermal_zone0/type': 'acpitz',
      'thermal/thermal_zone0/temp': '25000',
      'thermal/thermal_zone1/type': 'x86_pkg_temp',
      'thermal/thermal_zone1/temp': '57000',
    });
    expect(await readLinuxCpuTemperature(roots)).toBe(57);
    expect(await readLinuxCpuTemperature(await sysfs({ 'thermal/thermal_zone0/type': 'x86_pkg_temp', 'thermal/thermal_zone0/temp': '-273000' }))).toBeUndefined();
    expect(await readLinuxCpuTemperature(await sysfs({ 'thermal/thermal_zone0/type': 'acpitz', 'thermal/thermal_zone0/temp': '25000' }))).toBeUndefined();
  });

  it('emits temp{sensor=cpu} through collect(), and nothing when no sensor exists', async () => {
    const probe = createTemperatureProbe(await sysfs({ 'hwmon/hwmon0/name': 'coretemp', 'hwmon/hwmon0/temp1_input': '63512', 'hwmon/hwmon0/temp1_label': 'Package id 0' }));
    const config = probe.configSchema.parse({});
    expect(await probe.collect(probeContext({ platform: 'linux' }), config)).toEqual([{ m: 'temp', tags: { sensor: 'cpu' }, fields: { temp: 63.5 } }]);
    expect(await createTemperatureProbe(await sysfs({})).collect(probeContext({ platform: 'linux' }), config)).toEqual([]);
  });

  it('reads the real sysfs of this machine without failing', async () => {
    const metrics = await temperatureProbe.collect(probeContext({ platform: 'linux' }), temperatureProbe.configSchema.parse({}));
    if (!existsSync('/sys/class/hwmon') && !existsSync('/sys/class/thermal/thermal_zone0')) expect(metrics).toEqual([]);
    for (const m of metrics) expect(m.fields.temp).toBeTypeOf('number');
  });
});
