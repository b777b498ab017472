import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { metricSchema } from '@siaga/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { fixtureBytes, fixtureText, HAVE_FIXTURES } from '../testing/fixtures.testutil.js';
import { probeContext, scriptedRunner } from '../testing/probe-context.testutil.js';
import { parseIoregBattery, parsePmsetBatt, parseSpPower } from './battery.darwin.js';
import { combinePacks, packFromUevent, parseUevent, parseUpower, readSysfsBatteries } from './battery.linux.js';
import { batteryFromWin32, parseBatteryReport, parseWmiList } from './battery.win32.js';
import { batteryProbe, createBatteryProbe } from './battery.js';
import { decodeOutput } from './parsers/text.js';

const config = (over: Record<string, unknown> = {}) => batteryProbe.configSchema.parse(over);
const temps: string[] = [];
afterEach(async () => {
  for (const dir of temps.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function powerSupplyTree(entries: Record<string, string>): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'siaga-ps-'));
  temps.push(root);
  for (const [name, uevent] of Object.entries(entries)) {
    await mkdir(path.join(root, name));
    await writeFile(path.join(root, name, 'uevent'), uevent);
  }
  return root;
}

describe.skipIf(!HAVE_FIXTURES)('Linux battery sources', () => {
  const uevent = () => fixtureText('linux/sys-class-power_supply-BAT0-uevent.txt');

  it('parses a sysfs uevent (energy in µWh)', () => {
    const u = parseUevent(uevent());
    expect(u).toMatchObject({ NAME: 'BAT0', STATUS: 'Discharging', CAPACITY: '85', ENERGY_FULL_DESIGN: '47520000', MANUFACTURER: 'LGC' });
    expect(packFromUevent(u)).toEqual({ state: 'discharging', percent: 85, energyNow: 40730000, energyFull: 47390000, energyDesign: 47520000, rate: 5064000, cycleCount: 0 });
    // 40.73 Wh at 5.064 W is 8 h 3 min of runtime; 47.39 of 47.52 Wh design is 99.7 % health.
    expect(combinePacks([packFromUevent(u)])).toEqual({ percent: 85, charging: false, plugged: false, healthPercent: 99.7, cycleCount: 0, timeRemainingMin: 40730000 / 5064000 * 60 });
  });

  it('reads batteries from a power_supply tree, with the mains adapter deciding "plugged"', async () => {
    const mouse = 'POWER_SUPPLY_NAME=hidpp_battery_0\nPOWER_SUPPLY_TYPE=Battery\nPOWER_SUPPLY_SCOPE=Device\nPOWER_SUPPLY_CAPACITY=5\n';
    const root = await powerSupplyTree({ AC: 'POWER_SUPPLY_NAME=AC\nPOWER_SUPPLY_TYPE=Mains\nPOWER_SUPPLY_ONLINE=1\n', BAT0: uevent(), hidpp_battery_0: mouse });
    const result = await readSysfsBatteries(root);
    expect(result?.reading).toEqual({ percent: 85, charging: false, plugged: true, healthPercent: 99.7, cycleCount: 0 });
  });

  it('adds two packs into one reading', async () => {
    const bat1 = 'POWER_SUPPLY_TYPE=Battery\nPOWER_SUPPLY_STATUS=Discharging\nPOWER_SUPPLY_ENERGY_NOW=10000000\nPOWER_SUPPLY_ENERGY_FULL=20000000\nPOWER_SUPPLY_ENERGY_FULL_DESIGN=24000000\nPOWER_SUPPLY_POWER_NOW=1000000\nPOWER_SUPPLY_CAPACITY=50\nPOWER_SUPPLY_CYCLE_COUNT=300\n';
    const root = await powerSupplyTree({ BAT0: uevent(), BAT1: bat1 });
    const r = (await readSysfsBatteries(root))?.reading;
    expect(r?.percent).toBe(Math.round(((40730000 + 10000000) / (47390000 + 20000000)) * 1000) / 10);
    expect(r?.healthPercent).toBe(Math.round(((47390000 + 20000000) / (47520000 + 24000000)) * 1000) / 10);
    expect(r?.cycleCount).toBe(300);
    expect(r?.timeRemainingMin).toBeCloseTo(((40730000 + 10000000) / (5064000 + 1000000)) * 60, 6);
  });

  it('parses upower -i in French (decimal commas) and English', () => {
    const fr = parseUpower(fixtureText('linux/upower-i-battery-discharging-fr.txt'));
    expect(fr).toEqual({ state: 'discharging', percent: 51, energyNow: 24.645, energyFull: 54, energyDesign: 54, rate: 8.685, healthPercent: 88.2222, timeToEmptyMin: 2.8 * 60 });
    expect(combinePacks([fr!])).toEqual({ percent: 51, charging: false, plugged: false, healthPercent: 88.2222, timeRemainingMin: 168 });

    const en = parseUpower(fixtureText('linux/upower-i-battery-fully-charged-en.txt'));
    expect(combinePacks([en!])).toEqual({ percent: 100, charging: false, plugged: true, healthPercent: 68.4773 });
    const frFull = parseUpower(fixtureText('linux/upower-i-battery-fully-charged-fr.txt'));
    expect(frFull).toMatchObject({ state: 'full', percent: 100, energyFull: 39.264, energyDesign: 51.504, rate: 0, healthPercent: 76.2349 });
  });
});

describe.skipIf(!HAVE_FIXTURES)('macOS battery sources', () => {
  it('parses pmset -g batt with and without a battery id', () => {
    expect(parsePmsetBatt(fixtureText('macos/pmset-g-batt-discharging.txt'))).toEqual({ percent: 95, charging: false, plugged: false, timeRemainingMin: 186 });
    expect(parsePmsetBatt(fixtureText('macos/pmset-g-batt-charging-no-id.txt'))).toEqual({ percent: 43, charging: true, plugged: true });
  });

  it('parses the five El Capitan pmset variants', () => {
    const captures = fixtureText('macos/pmset-g-batt-variants-elcapitan.txt').split(/\n\s*\n/);
    expect(captures.map(parsePmsetBatt)).toEqual([
      { percent: 89, charging: false, plugged: false, timeRemainingMin: 4 * 60 + 47 },
      { percent: 90, charging: false, plugged: false },
      { percent: 88, charging: false, plugged: true },
      { percent: 90, charging: true, plugged: true },
      { percent: 91, charging: true, plugged: true },
    ]);
  });

  it('parses ioreg AppleSmartBattery (Intel: capacities in mAh, unknowns as 65535)', () => {
    expect(parseIoregBattery(fixtureText('macos/ioreg-r-c-AppleSmartBattery-intel-2017.txt'))).toEqual({
      percent: 80.8, // 4761 of 5889 mAh
      charging: false,
      plugged: false,
      healthPercent: 89.8, // 5889 of 6559 mAh design
      cycleCount: 155,
      timeRemainingMin: 271,
    });
  });

  it('reads Apple silicon ioreg, where MaxCapacity is a percentage', () => {
    const text = '  "AppleRawMaxCapacity" = 4102\n  "MaxCapacity" = 100\n  "CurrentCapacity" = 64\n  "AppleRawCurrentCapacity" = 2625\n  "DesignCapacity" = 4382\n  "CycleCount" = 87\n  "ExternalConnected" = Yes\n  "IsCharging" = Yes\n';
    expect(parseIoregBattery(text)).toEqual({ percent: 64, charging: true, plugged: true, healthPercent: 93.6, cycleCount: 87 });
  });

  it('parses system_profiler SPPowerDataType', () => {
    expect(parseSpPower(fixtureText('macos/system_profiler-SPPowerDataType-10.11-discharging.txt'))).toEqual({ percent: 74.9, charging: false, plugged: false, cycleCount: 552 });
    expect(parseSpPower(fixtureText('macos/system_profiler-SPPowerDataType-charging.txt'))).toEqual({ percent: 93.3, charging: true, plugged: true, cycleCount: 125 });
  });
});

describe.skipIf(!HAVE_FIXTURES)('Windows battery sources', () => {
  it('parses German wmic Win32_Battery /format:list by property names and status codes', () => {
    const records = parseWmiList(decodeOutput(fixtureBytes('windows/wmic-win32_battery-format-list-de.txt')));
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ BatteryStatus: '2', Caption: 'Interner Akku', EstimatedChargeRemaining: '100', EstimatedRunTime: '71582788', DesignCapacity: '' });
    // BatteryStatus 2: on AC, not charging; the 71582788-minute runtime means "unknown".
    expect(batteryFromWin32(records)).toEqual({ percent: 100, charging: false, plugged: true });
  });

  it('reads PowerShell Format-List output the same way, and wmic output in UTF-16LE', () => {
    const ps = '\r\n\r\nBatteryStatus            : 1\r\nEstimatedChargeRemaining : 57\r\nEstimatedRunTime         : 143\r\nDesignCapacity           : 50000\r\nFullChargeCapacity       : 41000\r\n\r\n';
    expect(batteryFromWin32(parseWmiList(ps))).toEqual({ percent: 57, charging: false, plugged: false, healthPercent: 82, timeRemainingMin: 143 });
    const utf16 = Buffer.from('\uFEFFBatteryStatus=6\r\r\nEstimatedChargeRemaining=40\r\r\n', 'utf16le');
    expect(batteryFromWin32(parseWmiList(decodeOutput(utf16)))).toEqual({ percent: 40, charging: true, plugged: true });
    expect(batteryFromWin32(parseWmiList('\r\n\r\n'))).toBeUndefined();
  });

  it('parses the powercfg battery report of a two-battery Lenovo', () => {
    // (19450 + 17860) of (23540 + 26060) mWh; the larger cycle count of the two packs.
    expect(parseBatteryReport(fixtureText('windows/powercfg-batteryreport-win10-lenovo.xml'))).toEqual({ healthPercent: 75.2, cycleCount: 173 });
  });
});

describe.skipIf(!HAVE_FIXTURES)('battery probe', () => {
  it('merges pmset with the cached ioreg reading on macOS', async () => {
    const run = scriptedRunner({
      'pmset -g batt': fixtureText('macos/pmset-g-batt-discharging.txt'),
      'ioreg -r -c AppleSmartBattery': fixtureText('macos/ioreg-r-c-AppleSmartBattery-intel-2017.txt'),
    });
    const clock = { t: 1_700_000_000_000 };
    const ctx = probeContext({ platform: 'darwin', run, clock });
    const expected = [{ m: 'battery', fields: { percent: 95, charging: 0, plugged: 0, health_percent: 89.8, cycle_count: 155, time_remaining_min: 186 } }];
    expect(await batteryProbe.collect(ctx, config())).toEqual(expected);
    clock.t += 60_000;
    expect(await batteryProbe.collect(ctx, config())).toEqual(expected);
    expect(run.calls.map((c) => c.file)).toEqual(['pmset', 'ioreg', 'pmset']);
    expect(metricSchema.safeParse(expected[0]).success).toBe(true);
  });

  it('falls back to system_profiler when ioreg gives nothing', async () => {
    const run = scriptedRunner({ 'pmset -g batt': fixtureText('macos/pmset-g-batt-charging-no-id.txt'), 'system_profiler SPPowerDataType': fixtureText('macos/system_profiler-SPPowerDataType-charging.txt') });
    expect(await batteryProbe.collect(probeContext({ platform: 'darwin', run }), config())).toEqual([{ m: 'battery', fields: { percent: 43, charging: 1, plugged: 1, cycle_count: 125 } }]);
  });

  it('gives no points on a desktop Mac', async () => {
    const run = scriptedRunner({ 'pmset -g batt': "Now drawing from 'AC Power'\n" });
    expect(await batteryProbe.collect(probeContext({ platform: 'darwin', run }), config())).toEqual([]);
  });

  it('uses PowerShell when wmic is missing on Windows', async () => {
    const script = 'Get-CimInstance Win32_Battery | Format-List BatteryStatus,EstimatedChargeRemaining,EstimatedRunTime,DesignCapacity,FullChargeCapacity';
    const run = scriptedRunner({ [`powershell -NoProfile -NonInteractive -Command ${script}`]: 'BatteryStatus : 1\r\nEstimatedChargeRemaining : 80\r\nEstimatedRunTime : 200\r\nDesignCapacity : 40000\r\nFullChargeCapacity : 36000\r\n' });
    expect(await batteryProbe.collect(probeContext({ platform: 'win32', run }), config())).toEqual([{ m: 'battery', fields: { percent: 80, charging: 0, plugged: 0, health_percent: 90, time_remaining_min: 200 } }]);
  });

  it('reads a sysfs tree through collect() and returns nothing for a desktop', async () => {
    const root = await powerSupplyTree({ BAT0: fixtureText('linux/sys-class-power_supply-BAT0-uevent.txt') });
    const ctx = probeContext({ platform: 'linux', run: scriptedRunner({}) });
    expect(await createBatteryProbe({ sysfsRoot: root }).collect(ctx, config())).toEqual([{ m: 'battery', fields: { percent: 85, charging: 0, plugged: 0, health_percent: 99.7, cycle_count: 0, time_remaining_min: 483 } }]);
    const empty = await powerSupplyTree({});
    expect(await createBatteryProbe({ sysfsRoot: empty }).collect(ctx, config())).toEqual([]);
  });

  it('asks UPower when there is no sysfs power_supply directory', async () => {
    const dev = '/org/freedesktop/UPower/devices/battery_BAT0';
    const run = scriptedRunner({ 'upower -e': `${dev}\n/org/freedesktop/UPower/devices/line_power_AC\n`, [`upower -i ${dev}`]: fixtureText('linux/upower-i-battery-discharging-fr.txt') });
    const ctx = probeContext({ platform: 'linux', run });
    expect(await createBatteryProbe({ sysfsRoot: '/nonexistent/siaga' }).collect(ctx, config())).toEqual([{ m: 'battery', fields: { percent: 51, charging: 0, plugged: 0, health_percent: 88.2, time_remaining_min: 168 } }]);
  });
});

describe('battery probe on this machine', () => {
  it('reads the real /sys/class/power_supply (no battery here: no points, success)', async () => {
    const metrics = await batteryProbe.collect(probeContext({ platform: 'linux' }), config());
    const hasBattery = existsSync('/sys/class/power_supply') && readdirSync('/sys/class/power_supply').some((n) => /^BAT/.test(n));
    if (hasBattery) expect(metricSchema.safeParse(metrics[0]).success).toBe(true);
    else expect(metrics).toEqual([]);
  });
});
