import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CommandRunner } from '../exec.js';
import { install, type InstallOptions, uninstall } from './install.js';
import { MSI_OWNED_MARK, VERSION_NAME } from './layout.js';

// The MSI's custom actions (`install --from-msi`, `uninstall --from-msi`) on a staged Windows tree:
// `C:\Program Files\siaga\versions` is `<root>/C/Program Files/siaga/versions` here, and `current`
// a symbolic link where Windows gets a junction (agent/src/update/switch.win32.test.ts).
const neverRun: CommandRunner = async (file) => {
  throw new Error(`--root must not call ${file}`);
};
const releaseKey = () => Buffer.from(generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }).x as string, 'base64url').toString('base64');

let root: string;
const at = (p: string) => path.join(root, p.replace(/^C:/, 'C').split('\\').join('/'));
const VERSIONS = 'C:\\Program Files\\siaga\\versions';
const CONFIG = 'C:\\ProgramData\\siaga\\agent.yaml';
const current = () => readlinkSync(at(`${VERSIONS}\\current`));
const versions = () => readdirSync(at(VERSIONS)).sort();

/** A version folder as the MSI (with its mark) or an automatic update left it. */
function version(name: string, msi = false): void {
  mkdirSync(at(`${VERSIONS}\\${name}`), { recursive: true });
  writeFileSync(at(`${VERSIONS}\\${name}\\siaga-agent.exe`), name);
  if (msi) writeFileSync(at(`${VERSIONS}\\${name}\\${MSI_OWNED_MARK}`), 'msi');
}
const pointCurrent = (name: string) => {
  rmSync(at(`${VERSIONS}\\current`), { force: true });
  symlinkSync(name, at(`${VERSIONS}\\current`));
};

const fromMsi = (extra: Partial<InstallOptions> = {}): InstallOptions => ({
  platform: 'win32',
  root,
  enrollSecret: 'msi-test-enroll-secret-000001',
  collectorUrl: 'https://collector.example:8443',
  allowInsecure: false,
  tags: [],
  fromMsi: true,
  run: neverRun,
  ...extra,
});

beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'siaga-install-win-'));
  version(VERSION_NAME, true);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('install --from-msi (Windows, staged)', () => {
  it('points current at the version the MSI installed and writes the config with the release key', async () => {
    const key = releaseKey();
    await install(fromMsi({ releaseKey: key, site: 'hq' }));
    expect(current()).toBe(VERSION_NAME);
    const config = YAML.parse(readFileSync(at(CONFIG), 'utf8')) as Record<string, Record<string, unknown>>;
    expect(config.update).toEqual({ publicKeyFile: 'C:\\ProgramData\\siaga\\release-key.pub' });
    expect(config.collector?.enrollSecretFile).toBe('C:\\ProgramData\\siaga\\enroll-secret');
    expect(readFileSync(at('C:\\ProgramData\\siaga\\release-key.pub'), 'utf8')).toBe(`${key}\n`);
  });

  it('on an upgrade, moves current from an updated version to the new MSI version, keeping that one for a rollback', async () => {
    version('0.0.8-old0008');
    version('0.0.9-upd0009');
    pointCurrent('0.0.9-upd0009');
    await install(fromMsi({ collectorUrl: undefined, enrollSecret: undefined }));
    expect(current()).toBe(VERSION_NAME);
    expect(versions()).toEqual(['0.0.9-upd0009', VERSION_NAME, 'current'].sort());
  });

  it('on a repair, leaves current on the version an update moved it to, unless that version is gone', async () => {
    version('9.0.0-upd9000');
    pointCurrent('9.0.0-upd9000');
    await install(fromMsi({ collectorUrl: undefined, enrollSecret: undefined, keepCurrent: true }));
    expect(current()).toBe('9.0.0-upd9000');
    expect(versions()).toEqual(['9.0.0-upd9000', VERSION_NAME, 'current'].sort());

    rmSync(at(`${VERSIONS}\\9.0.0-upd9000`), { recursive: true });
    await install(fromMsi({ collectorUrl: undefined, enrollSecret: undefined, keepCurrent: true }));
    expect(current()).toBe(VERSION_NAME);
  });

  it('adds RELEASE_KEY alone to the installed config, keeping everything else in it', async () => {
    await install(fromMsi({ site: 'hq' }));
    const before = readFileSync(at(CONFIG), 'utf8');
    expect(before).not.toContain('update:');
    const key = releaseKey();
    await install(fromMsi({ collectorUrl: undefined, enrollSecret: undefined, releaseKey: key }));
    const after = readFileSync(at(CONFIG), 'utf8');
    expect(after.startsWith(before.split('\n').slice(0, 2).join('\n'))).toBe(true);
    expect(YAML.parse(after)).toEqual({ ...YAML.parse(before), update: { publicKeyFile: 'C:\\ProgramData\\siaga\\release-key.pub' } });
    expect(readFileSync(at('C:\\ProgramData\\siaga\\release-key.pub'), 'utf8')).toBe(`${key}\n`);

    rmSync(at(CONFIG));
    await expect(install(fromMsi({ collectorUrl: undefined, enrollSecret: undefined, releaseKey: key }))).rejects.toThrow(/--release-key without --collector adds the key to the installed config, and there is none/);
  });
});

describe('uninstall (Windows, staged)', () => {
  it('from the MSI: removes the junction and the versions updates added, and leaves the MSI its own', async () => {
    await install(fromMsi());
    version('0.0.9-upd0009');
    version('9.0.0-upd9000');
    pointCurrent('9.0.0-upd9000');
    await uninstall({ platform: 'win32', root, purge: false, fromMsi: true, run: neverRun });
    expect(versions()).toEqual([VERSION_NAME]);
    expect(readdirSync(at(`${VERSIONS}\\${VERSION_NAME}`)).sort()).toEqual([MSI_OWNED_MARK, 'siaga-agent.exe'].sort());
    expect(existsSync(at(CONFIG))).toBe(false);
  });

  it('without the MSI: removes the program folder with the wrapper and every version', async () => {
    await install(fromMsi());
    writeFileSync(at('C:\\Program Files\\siaga\\siaga-agent-service.xml'), '<service/>');
    await uninstall({ platform: 'win32', root, purge: false, fromMsi: false, run: neverRun });
    expect(existsSync(at('C:\\Program Files\\siaga'))).toBe(false);
  });
});
