import { copyFile } from 'node:fs/promises';
import { hardwareSchema, inventoryFrameSchema, softwareSchema } from '@siaga/shared';
import { describe, expect, it } from 'vitest';
import type { CommandRunner } from '../exec.js';
import { runCommand } from '../exec.js';
import { FIXTURES_DIR, fixtureText, HAVE_FIXTURES } from '../testing/fixtures.testutil.js';
import { scriptedRunner } from '../testing/probe-context.testutil.js';
import { collectInventory } from './collect.js';
import { inventoryHash } from './hash.js';
import { MAX_SOFTWARE, normalizeSoftware } from './normalize.js';
import { APPX_SCRIPT } from './parsers/windows-appx.js';

const fakeHardware = async () => ({ vendor: 'LENOVO', model: '20HGS0001P' });

describe.skipIf(process.platform !== 'linux')('inventory of this Linux machine', () => {
  it('lists real dpkg packages and real hardware within the schema limits', async () => {
    const inv = await collectInventory({ platform: 'linux', run: runCommand });
    expect(hardwareSchema.safeParse(inv.hardware).success).toBe(true);
    expect(inv.hardware.os?.name).toBeTruthy();
    expect(inv.hardware.memoryBytes).toBeGreaterThan(0);
    const dpkg = inv.software.filter((s) => s.source === 'dpkg');
    const hasDpkg = (await runCommand('dpkg-query', ['-W', 'dpkg'])).code === 0;
    if (hasDpkg) expect(dpkg.find((s) => s.name === 'dpkg')?.version).toMatch(/^\d+\.\d+/);
    for (const s of inv.software) expect(softwareSchema.safeParse(s).success).toBe(true);
    expect(inv.errors).toEqual([]);
    // A second run of an unchanged machine hashes the same.
    expect(inventoryHash(await collectInventory({ platform: 'linux', run: runCommand }))).toBe(inventoryHash(inv));
  });
});

describe.skipIf(!HAVE_FIXTURES)('inventory from recorded outputs', () => {
  it('macOS: falls back from -json to -xml and names the OS from sw_vers', async () => {
    const run = scriptedRunner({
      sw_vers: fixtureText('macos/sw_vers-10.13-no-patch.txt'),
      'system_profiler -json SPApplicationsDataType': { code: 64, stderr: 'system_profiler: unknown option -json' },
      'system_profiler -xml SPApplicationsDataType': fixtureText('macos/system_profiler-SPApplicationsDataType-xml-sonoma.xml'),
    });
    const inv = await collectInventory({ platform: 'darwin', run }, { readHardware: fakeHardware });
    expect(inv.hardware).toEqual({ vendor: 'LENOVO', model: '20HGS0001P', os: { name: 'Mac OS X', version: '10.13', build: '17A405' } });
    expect(inv.software.length).toBeGreaterThan(300);
    expect(inv.software.find((s) => s.name === 'Safari')).toMatchObject({ version: '17.4.1', publisher: 'Apple' });
    expect(inv.errors).toEqual([]);
  });

  it('macOS: takes the OS from SPSoftwareDataType when sw_vers fails', async () => {
    const run = scriptedRunner({ 'system_profiler SPSoftwareDataType': fixtureText('macos/system_profiler-SPSoftwareDataType-10.15.txt'), 'system_profiler -json SPApplicationsDataType': '{"SPApplicationsDataType":[]}' });
    const inv = await collectInventory({ platform: 'darwin', run }, { readHardware: fakeHardware });
    expect(inv.hardware.os).toEqual({ name: 'macOS', version: '10.15.2', build: '19C57' });
  });

  it('Windows: registry export (UTF-16LE) plus Store packages, sorted, with WOW6432Node absent', async () => {
    const table = scriptedRunner({ [`powershell -NoProfile -NonInteractive -Command ${APPX_SCRIPT}`]: fixtureText('windows/powershell-appx-packages-win10-russian.txt') });
    const run: CommandRunner = async (file, args, o) => {
      if (file === 'reg' && args[0] === 'export' && !String(args[1]).includes('WOW6432Node')) {
        await copyFile(`${FIXTURES_DIR}/windows/regedit-export-uninstall-win10-russian.reg`, String(args[2]));
        return { stdout: Buffer.from('The operation completed successfully.\r\n'), stderr: '', code: 0 };
      }
      if (file === 'reg') return { stdout: Buffer.alloc(0), stderr: 'ERROR: The system was unable to find the specified registry key or value.', code: 1 };
      return table(file, args, o);
    };
    const inv = await collectInventory({ platform: 'win32', run }, { readHardware: fakeHardware });
    expect(inv.errors).toEqual([]);
    expect(inv.software).toHaveLength(10);
    expect(inv.software.filter((s) => s.source === 'registry').map((s) => s.name)).toEqual(['1C Предприятие 7.7', 'КриптоПро CSP']);
    expect(inv.software.map((s) => s.name)).toEqual([...inv.software.map((s) => s.name)].sort());
  });

  it('Windows: reports a source that fails instead of failing the whole inventory', async () => {
    const run = scriptedRunner({ [`powershell -NoProfile -NonInteractive -Command ${APPX_SCRIPT}`]: { code: 1, stderr: 'Get-AppxPackage : not recognized' } });
    const inv = await collectInventory({ platform: 'win32', run }, { readHardware: fakeHardware });
    expect(inv.software).toEqual([]);
    expect(inv.errors).toEqual([
      'reg query HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall: spawn reg ENOENT',
      'Get-AppxPackage: Get-AppxPackage : not recognized',
    ]);
  });
});

describe('inventory normalization and hash', () => {
  it('strips control characters, bounds lengths, drops duplicates and sorts', () => {
    const list = normalizeSoftware([
      { name: 'zsh', version: '5.9', source: 'dpkg' },
      { name: 'Evil\u0007 \u001b[31mname', version: '1\n2', source: 'registry' },
      { name: 'x'.repeat(300), source: 'dpkg' },
      { name: 'zsh', version: '5.9', source: 'dpkg' },
      { name: '   ', source: 'dpkg' },
      { name: `${'я'.repeat(255)}😀`, source: 'appx' },
    ]);
    expect(list.map((s) => s.name)).toEqual(['Evil [31mname', 'x'.repeat(256), 'zsh', 'я'.repeat(255)]);
    // Control characters become spaces; the emoji would pass 256 UTF-16 units and is cut whole.
    expect(list[0]).toEqual({ name: 'Evil [31mname', version: '1 2', source: 'registry' });
    for (const s of list) expect(softwareSchema.safeParse(s).success).toBe(true);
    expect(MAX_SOFTWARE).toBe(25_600);
  });

  it('hashes equal content equally whatever the order, and differently when a version changes', () => {
    const a = { hardware: { vendor: 'Dell Inc.', os: { name: 'Windows 11', build: '22631' } }, software: [{ name: 'a', version: '1' }, { name: 'b', version: '2', source: 'dpkg' }] };
    const b = { hardware: { os: { build: '22631', name: 'Windows 11' }, vendor: 'Dell Inc.' }, software: [{ source: 'dpkg', version: '2', name: 'b' }, { name: 'a', version: '1' }] };
    const c = { ...a, software: [{ name: 'a', version: '1.1' }, { name: 'b', version: '2', source: 'dpkg' }] };
    expect(inventoryHash(a)).toBe(inventoryHash(b));
    expect(inventoryHash(a)).not.toBe(inventoryHash(c));
    expect(inventoryFrameSchema.safeParse({ v: 1, type: 'inventory', collectedAt: Date.now(), hash: inventoryHash(a), part: 0, parts: 1, hardware: a.hardware, software: a.software }).success).toBe(true);
  });
});
