import { readFileSync } from 'node:fs';
import { metricSchema } from '@siaga/shared';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../exec.js';
import { fixtureText, HAVE_FIXTURES } from '../testing/fixtures.testutil.js';
import { probeContext, scriptedRunner } from '../testing/probe-context.testutil.js';
import { parseDiskutilInfo, parseDiskutilWholeDisks, parsePhysicalDiskJson, parseWmicDiskDrive } from './smart.os-status.js';
import { parseSmartctlDevice, parseSmartctlScan } from './smart.smartctl.js';
import { smartProbe } from './smart.js';

const golden = JSON.parse(readFileSync(new URL('./smart.golden.json', import.meta.url), 'utf8')) as Record<string, Record<string, unknown>>;
const config = (over: Record<string, unknown> = {}) => smartProbe.configSchema.parse(over);

describe.skipIf(!HAVE_FIXTURES)('smartctl JSON parser on recorded drives', () => {
  for (const [file, expected] of Object.entries(golden)) {
    it(`parses ${file}`, () => {
      expect(parseSmartctlDevice(JSON.parse(fixtureText(file)))).toEqual(expected);
    });
  }

  it('does not call a drive healthy just because it passed its self-assessment', () => {
    const realloc = parseSmartctlDevice(JSON.parse(fixtureText('linux/smartctl-json-sata-hdd-304-reallocated.json')));
    const media = parseSmartctlDevice(JSON.parse(fixtureText('linux/smartctl-json-x-nvme-970evo-media-errors.json')));
    expect([realloc.smartPassed, realloc.healthOk]).toEqual([true, false]);
    expect([media.smartPassed, media.healthOk]).toEqual([true, false]);
  });
});

describe('smartctl scan and error parsing', () => {
  it('lists scanned devices with their type and open errors', () => {
    const scan = {
      devices: [
        { name: '/dev/sda', info_name: '/dev/sda [SAT]', type: 'sat', protocol: 'ATA' },
        { name: '/dev/nvme0', info_name: '/dev/nvme0', type: 'nvme', protocol: 'NVMe' },
        { name: '/dev/sdb', info_name: '/dev/sdb', type: 'scsi', protocol: 'SCSI', open_error: 'Permission denied' },
      ],
    };
    expect(parseSmartctlScan(scan)).toEqual([
      { name: '/dev/sda', type: 'sat' },
      { name: '/dev/nvme0', type: 'nvme' },
      { name: '/dev/sdb', type: 'scsi', openError: 'Permission denied' },
    ]);
    expect(parseSmartctlScan({ smartctl: { exit_status: 0 } })).toEqual([]);
  });

  it("reports smartctl's own message when a drive cannot be opened", () => {
    const doc = { smartctl: { exit_status: 2, messages: [{ string: 'Smartctl open device: /dev/sda failed: Permission denied', severity: 'error' }] }, device: { name: '/dev/sda' } };
    expect(() => parseSmartctlDevice(doc)).toThrow('/dev/sda: Smartctl open device: /dev/sda failed: Permission denied');
  });
});

describe('OS drive status parsers (where smartctl is absent)', () => {
  it('reads Get-PhysicalDisk JSON, numeric or named health, one object or many', () => {
    const many = '[{"DeviceId":"0","FriendlyName":"SAMSUNG MZVLB512","SerialNumber":"S4XX ","HealthStatus":0},{"DeviceId":"1","FriendlyName":"WDC WD10","SerialNumber":null,"HealthStatus":1},{"DeviceId":"2","FriendlyName":"X","HealthStatus":5}]';
    expect(parsePhysicalDiskJson(many).map((r) => [r.device, r.model, r.healthOk, r.serial])).toEqual([
      ['PhysicalDisk0', 'SAMSUNG MZVLB512', true, 'S4XX'],
      ['PhysicalDisk1', 'WDC WD10', false, undefined],
    ]);
    expect(parsePhysicalDiskJson('{"DeviceId":"0","FriendlyName":"Disk","HealthStatus":"Unhealthy"}')[0]?.healthOk).toBe(false);
    expect(parsePhysicalDiskJson('')).toEqual([]);
  });

  it('reads wmic diskdrive status lists', () => {
    const text = '\r\r\nDeviceID=\\\\.\\PHYSICALDRIVE0\r\r\nModel=ST1000DM003\r\r\nSerialNumber=Z1D\r\r\nStatus=Pred Fail\r\r\n\r\r\nDeviceID=\\\\.\\PHYSICALDRIVE1\r\r\nModel=KINGSTON SA400\r\r\nSerialNumber=50026B\r\r\nStatus=OK\r\r\n';
    const readings = parseWmicDiskDrive(text);
    expect(readings.map((r) => [r.device, r.healthOk, r.problems])).toEqual([
      ['\\\\.\\PHYSICALDRIVE0', false, ['Windows reports drive status "Pred Fail"']],
      ['\\\\.\\PHYSICALDRIVE1', true, []],
    ]);
  });

  it('reads diskutil plists', () => {
    const list = '<?xml version="1.0"?><plist version="1.0"><dict><key>WholeDisks</key><array><string>disk0</string><string>disk2</string></array></dict></plist>';
    expect(parseDiskutilWholeDisks(list)).toEqual(['disk0', 'disk2']);
    const info = (status: string) =>
      `<plist version="1.0"><dict><key>DeviceNode</key><string>/dev/disk0</string><key>MediaName</key><string>APPLE SSD AP0512Q</string><key>SMARTStatus</key><string>${status}</string></dict></plist>`;
    expect(parseDiskutilInfo(info('Verified'), 'disk0')).toMatchObject({ device: '/dev/disk0', model: 'APPLE SSD AP0512Q', healthOk: true });
    expect(parseDiskutilInfo(info('Failing'), 'disk0')).toMatchObject({ healthOk: false, smartPassed: false });
    expect(parseDiskutilInfo(info('Not Supported'), 'disk0')).toBeUndefined();
  });
});

describe.skipIf(!HAVE_FIXTURES)('smart probe', () => {
  const scan = JSON.stringify({ devices: [{ name: '/dev/sda', type: 'sat' }, { name: '/dev/nvme0', type: 'nvme' }] });
  const table = () => ({
    'smartctl --scan-open --json': scan,
    'smartctl --json -a --nocheck=standby -d sat /dev/sda': { stdout: fixtureText('linux/smartctl-json-sata-hdd-304-reallocated.json'), code: 0 },
    'smartctl --json -a --nocheck=standby -d nvme /dev/nvme0': { stdout: fixtureText('linux/smartctl-json-nvme-failing-critical-warning.json'), code: 8 },
  });

  it('emits one smart_device point per drive and re-sends cached values until the interval passes', async () => {
    const run = scriptedRunner(table());
    const clock = { t: 1_700_000_000_000 };
    const ctx = probeContext({ platform: 'linux', run, clock });
    const first = await smartProbe.collect(ctx, config());
    expect(first).toEqual([
      {
        m: 'smart_device',
        tags: { device: '/dev/sda', model: 'ST3500418AS' },
        fields: { health_ok: 0, smart_passed: 1, temp_c: 33, power_on_hours: 44668, reallocated_sectors: 304, pending_sectors: 0, serial: 'REDACTED', problems: '304 reallocated sectors' },
      },
      {
        m: 'smart_device',
        tags: { device: '/dev/nvme0', model: 'SAMSUNG MZWLL3T2HAJQ-00005' },
        fields: { health_ok: 0, smart_passed: 0, temp_c: 40, power_on_hours: 18376, media_errors: 0, percentage_used: 0, critical_warning: 16, serial: 'REDACTED', problems: 'overall self-assessment FAILED; critical warning 0x10' },
      },
    ]);
    for (const m of first) expect(metricSchema.safeParse(m).success).toBe(true);
    expect(run.calls).toHaveLength(3);

    clock.t += 299_000;
    expect(await smartProbe.collect(ctx, config())).toEqual(first);
    expect(run.calls).toHaveLength(3);

    // After the interval the drives are read again, but the device list is still cached.
    clock.t += 2_000;
    await smartProbe.collect(ctx, config());
    expect(run.calls.map((c) => c.args.at(-1))).toEqual(['--json', '/dev/sda', '/dev/nvme0', '/dev/sda', '/dev/nvme0']);
  });

  it('keeps the last reading of a drive in standby and reports unreadable drives with a reason', async () => {
    const clock = { t: 1_700_000_000_000 };
    const answers: Record<string, Parameters<typeof scriptedRunner>[0][string]> = table();
    const run = scriptedRunner(answers);
    const ctx = probeContext({ platform: 'linux', run, clock });
    await smartProbe.collect(ctx, config({ intervalSec: 30 }));
    const standby = JSON.stringify({ smartctl: { exit_status: 2, messages: [{ string: 'Device is in STANDBY mode, exit(2)' }] }, device: { name: '/dev/sda' } });
    answers['smartctl --json -a --nocheck=standby -d sat /dev/sda'] = { stdout: standby, code: 2 };
    answers['smartctl --json -a --nocheck=standby -d nvme /dev/nvme0'] = { stdout: 'garbage', stderr: 'Read failed', code: 4 };
    clock.t += 31_000;
    const metrics = await smartProbe.collect(ctx, config({ intervalSec: 30 }));
    expect(metrics[0]?.fields.reallocated_sectors).toBe(304);
    expect(metrics[1]).toEqual({ m: 'smart_device', tags: { device: '/dev/nvme0', model: 'unknown' }, fields: { error: '/dev/nvme0: smartctl exit 4: Read failed' } });
  });

  it('falls back to Get-PhysicalDisk on Windows without smartctl', async () => {
    const script = '[Console]::OutputEncoding=[Text.Encoding]::UTF8; Get-PhysicalDisk | Select-Object DeviceId,FriendlyName,SerialNumber,HealthStatus | ConvertTo-Json -Compress';
    const run = scriptedRunner({ [`powershell -NoProfile -NonInteractive -Command ${script}`]: '{"DeviceId":"0","FriendlyName":"NVMe PC711","SerialNumber":"ACE4","HealthStatus":0}\r\n' });
    const metrics = await smartProbe.collect(probeContext({ platform: 'win32', run }), config());
    expect(metrics).toEqual([{ m: 'smart_device', tags: { device: 'PhysicalDisk0', model: 'NVMe PC711' }, fields: { health_ok: 1, smart_passed: 1, serial: 'ACE4' } }]);
  });

  it('fails with a human reason on Linux without smartctl, and does not look again on every run', async () => {
    const run = scriptedRunner({});
    const ctx = probeContext({ platform: 'linux', run });
    await expect(smartProbe.collect(ctx, config())).rejects.toThrow('smartctl not installed');
    await expect(smartProbe.collect(ctx, config())).rejects.toThrow('smartctl not installed');
    expect(run.calls).toHaveLength(1);
  });
});

describe('smart probe on this machine', () => {
  it('runs the real smartctl (or reports it missing) without crashing', async () => {
    const ctx = probeContext({ platform: 'linux', run: runCommand });
    const outcome = await smartProbe.collect(ctx, config()).then(
      (metrics) => ({ metrics }),
      (err: Error) => ({ error: err.message }),
    );
    if ('error' in outcome) expect(outcome.error).toMatch(/smartctl/);
    else for (const m of outcome.metrics) expect(metricSchema.safeParse(m).success).toBe(true);
  });

  it('reports "smartctl not installed" when the program really is missing', async () => {
    const missing: typeof runCommand = (file, args, o) => runCommand(file === 'smartctl' ? 'smartctl-not-here-siaga' : file, args, o);
    await expect(smartProbe.collect(probeContext({ platform: 'linux', run: missing }), config())).rejects.toThrow('smartctl not installed');
  });
});
