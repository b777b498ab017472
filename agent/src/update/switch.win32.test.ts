import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MSI_OWNED_MARK } from '../service/layout.js';
import { findInstallation, pruneVersions, switchCurrent, versionExists } from './installation.js';
import { WindowsLikeFs } from './junction-fs.testutil.js';
import type { VersionSwitch } from './switch.js';
import { windowsSwitch } from './switch.win32.js';

const w = path.win32;
const VERSIONS = 'C:\\Program Files\\siaga\\versions';
const CURRENT = `${VERSIONS}\\current`;
const OLD = '0.1.0-aaa1111';
const NEW = '0.2.0-bbb2222';
const PID = process.pid;

let tmp: string;
let fs: WindowsLikeFs;
let folders: VersionSwitch;
const sleeps: number[] = [];

beforeEach(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'siaga-junction-'));
  fs = new WindowsLikeFs(tmp, w);
  sleeps.length = 0;
  folders = windowsSwitch({
    fs,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  fs.addVersion(VERSIONS, OLD, 'siaga-agent.exe', 'old build');
  fs.addVersion(VERSIONS, NEW, 'siaga-agent.exe', 'new build');
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

const read = (file: string) => readFileSync(fs.host(file), 'utf8');

describe('Windows version switch (junctions)', () => {
  it('points current at a version folder with a junction and reads the folder name back from its absolute target', () => {
    folders.point(CURRENT, OLD);
    expect(fs.calls).toEqual([`junction ${CURRENT}.new-${PID} -> ${VERSIONS}\\${OLD}`, `rename ${CURRENT}.new-${PID} -> ${CURRENT}`]);
    // What Node gives back for a junction: the absolute folder with a trailing backslash.
    expect(fs.readlinkSync(CURRENT)).toBe(`${VERSIONS}\\${OLD}\\`);
    expect(folders.current(CURRENT)).toBe(OLD);
    expect(read(`${CURRENT}\\siaga-agent.exe`)).toBe('old build');
  });

  it('switches by removing the old junction (never what it names) and renaming the new one into place', () => {
    folders.point(CURRENT, OLD);
    fs.calls.length = 0;
    folders.point(CURRENT, NEW);
    expect(fs.calls).toEqual([`junction ${CURRENT}.new-${PID} -> ${VERSIONS}\\${NEW}`, `unlink ${CURRENT}`, `rename ${CURRENT}.new-${PID} -> ${CURRENT}`]);
    expect(folders.current(CURRENT)).toBe(NEW);
    expect(read(`${CURRENT}\\siaga-agent.exe`)).toBe('new build');
    expect(read(`${VERSIONS}\\${OLD}\\siaga-agent.exe`)).toBe('old build');
  });

  it('puts the old junction back when the new one cannot be renamed into place', () => {
    folders.point(CURRENT, OLD);
    fs.renameFailures.push('EACCES');
    expect(() => folders.point(CURRENT, NEW)).toThrow(/EACCES/);
    expect(folders.current(CURRENT)).toBe(OLD);
    expect(folders.entries(VERSIONS).sort()).toEqual([OLD, NEW, 'current'].sort());
  });

  it('takes neither a junction to a folder elsewhere nor a real folder for the current version', () => {
    fs.symlinkSync('C:\\Elsewhere\\0.1.0-aaa1111', CURRENT, 'junction');
    expect(folders.current(CURRENT)).toBeUndefined();
    fs.unlinkSync(CURRENT);
    mkdirSync(fs.host(CURRENT));
    expect(folders.current(CURRENT)).toBeUndefined();
    expect(folders.current(`${VERSIONS}\\missing`)).toBeUndefined();
  });

  it('removes a junction by itself and a version folder with its files', () => {
    folders.point(CURRENT, OLD);
    folders.remove(CURRENT);
    expect(read(`${VERSIONS}\\${OLD}\\siaga-agent.exe`)).toBe('old build');
    expect(folders.exists(CURRENT)).toBe(false);
    folders.remove(`${VERSIONS}\\${OLD}`);
    expect(folders.entries(VERSIONS)).toEqual([NEW]);
    expect(fs.calls.slice(-2)).toEqual([`unlink ${CURRENT}`, `rm ${VERSIONS}\\${OLD}`]);
  });

  it("moves a staged folder into place, waiting out a virus scanner's hold on the new executable", async () => {
    fs.addVersion(VERSIONS, '.staging-1', 'siaga-agent.exe', 'staged');
    fs.renameFailures.push('EBUSY', 'EPERM');
    await folders.move(`${VERSIONS}\\.staging-1`, `${VERSIONS}\\0.3.0-ccc3333`);
    expect(sleeps).toEqual([200, 400]);
    expect(read(`${VERSIONS}\\0.3.0-ccc3333\\siaga-agent.exe`)).toBe('staged');

    fs.addVersion(VERSIONS, '.staging-2', 'siaga-agent.exe', 'staged');
    fs.renameFailures.push(...Array<string>(10).fill('EBUSY'));
    await expect(folders.move(`${VERSIONS}\\.staging-2`, `${VERSIONS}\\0.4.0-ddd4444`)).rejects.toThrow(/EBUSY/);
    fs.renameFailures.length = 0;
    fs.renameFailures.push('ENOENT');
    await expect(folders.move(`${VERSIONS}\\.staging-2`, `${VERSIONS}\\0.4.0-ddd4444`)).rejects.toThrow(/ENOENT/);
  });
});

describe('Windows installation', () => {
  it('is found from the executable the service starts through the junction', () => {
    folders.point(CURRENT, OLD);
    const installation = findInstallation(undefined, `${CURRENT}\\siaga-agent.exe`, folders);
    expect(installation).toMatchObject({ programDir: VERSIONS, currentLink: CURRENT, current: OLD, executable: `${CURRENT}\\siaga-agent.exe` });
    expect(findInstallation(undefined, 'C:\\Users\\admin\\Downloads\\siaga-agent-win-x64.exe', folders)).toBeUndefined();
    expect(installation && versionExists(installation, NEW)).toBe(true);
    expect(installation && versionExists(installation, '0.0.9-fff0000')).toBe(false);
  });

  it('is switched to another version and pruned, keeping the versions in use and the one the MSI installed', () => {
    fs.addVersion(VERSIONS, '0.0.1-msi0001', 'siaga-agent.exe', 'msi build');
    writeFileSync(fs.host(`${VERSIONS}\\0.0.1-msi0001\\${MSI_OWNED_MARK}`), 'installed by the MSI');
    fs.addVersion(VERSIONS, '0.0.5-eee5555', 'siaga-agent.exe', 'older download');
    fs.addVersion(VERSIONS, '.staging-x1', 'siaga-agent.exe', 'leftover');
    folders.point(CURRENT, OLD);
    const installation = findInstallation(VERSIONS, undefined, folders);
    if (!installation) throw new Error('no installation');
    switchCurrent(installation, NEW);
    pruneVersions(installation, [OLD, NEW]);
    expect(folders.current(CURRENT)).toBe(NEW);
    expect(folders.entries(VERSIONS).sort()).toEqual(['0.0.1-msi0001', OLD, NEW, 'current'].sort());
    expect(existsSync(fs.host(`${VERSIONS}\\0.0.1-msi0001\\siaga-agent.exe`))).toBe(true);
  });
});
