import { createHash, createPublicKey, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { releaseStatement } from '@siaga/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../log.js';
import { ReleaseCatalog } from './catalog.js';
import { updatesSchema } from './config.js';
import { missingReleases, offerFor, type UpdateHost, wantedVersion } from './select.js';
import { generateReleaseKey, readPrivateKey, signRelease } from './signing.js';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'siaga-releases-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A build folder as packaging writes it: files plus SHA256SUMS. */
function fakeBuild(files: Record<string, string>): string {
  const dir = tmp();
  const sums = Object.entries(files).map(([name, content]) => {
    writeFileSync(path.join(dir, name), content);
    return `${createHash('sha256').update(content).digest('hex')}  ${name}\n`;
  });
  writeFileSync(path.join(dir, 'SHA256SUMS'), sums.join(''));
  return dir;
}

function keyFile(): { file: string; publicKey: string } {
  const { privatePem, publicKey } = generateReleaseKey();
  const file = path.join(tmp(), 'release.key');
  writeFileSync(file, privatePem, { mode: 0o600 });
  return { file, publicKey };
}

const host = (over: Partial<UpdateHost> = {}): UpdateHost => ({
  id: '11111111-1111-4111-8111-111111111111',
  hostname: 'ws-1',
  site: 'hq',
  group: 'finance',
  tags: ['floor-2'],
  os: { platform: 'linux', arch: 'x64', distro: 'Debian', release: '12' },
  ...over,
});

describe('release signing', () => {
  it('signs every file SHA256SUMS lists; each signature verifies with the printed public key over version, name and hash', async () => {
    const build = fakeBuild({ 'siaga-agent-linux-x64': 'linux build', 'siaga-agent-win-x64.exe': 'windows build' });
    const key = keyFile();
    const { dir, manifest } = await signRelease({ key: readPrivateKey(key.file), from: build, to: build, version: '0.2.0', commit: 'abc1234' });
    expect(dir).toBe(path.join(build, 'releases', '0.2.0'));
    expect(JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'))).toEqual(manifest);
    expect(manifest.publicKey).toBe(key.publicKey);
    const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(key.publicKey, 'base64').toString('base64url') }, format: 'jwk' });
    for (const f of manifest.files) {
      expect(readFileSync(path.join(dir, f.name)).equals(readFileSync(path.join(build, f.name)))).toBe(true);
      expect(verify(null, releaseStatement('0.2.0', f.name, f.sha256), publicKey, Buffer.from(f.signature, 'base64'))).toBe(true);
      // Bound to the version: the same signature does not vouch for the file as another release.
      expect(verify(null, releaseStatement('0.2.1', f.name, f.sha256), publicKey, Buffer.from(f.signature, 'base64'))).toBe(false);
    }
  });

  it('refuses to sign a file whose hash differs from SHA256SUMS', async () => {
    const build = fakeBuild({ 'siaga-agent-linux-x64': 'linux build' });
    writeFileSync(path.join(build, 'siaga-agent-linux-x64'), 'changed after the sums were written');
    await expect(signRelease({ key: readPrivateKey(keyFile().file), from: build, to: build, version: '0.2.0', commit: 'abc1234' })).rejects.toThrow(/siaga-agent-linux-x64: SHA-256 is [0-9a-f]{64}, SHA256SUMS says/);
  });

  it('refuses a key that is not Ed25519', () => {
    const file = path.join(tmp(), 'rsa.pem');
    writeFileSync(file, '-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n');
    expect(() => readPrivateKey(file)).toThrow(/is not a private key in PEM/);
  });
});

describe('release catalog', () => {
  it('reads signed releases and leaves out a release whose files do not match its manifest', async () => {
    const packages = fakeBuild({ 'siaga-agent-linux-x64': 'linux build 0.2.0' });
    const key = readPrivateKey(keyFile().file);
    await signRelease({ key, from: packages, to: packages, version: '0.2.0', commit: 'abc1234' });
    await signRelease({ key, from: packages, to: packages, version: '0.3.0', commit: 'def5678' });
    writeFileSync(path.join(packages, 'releases', '0.3.0', 'siaga-agent-linux-x64'), 'truncated');
    const catalog = new ReleaseCatalog(packages, createLogger('silent'));
    let changes = 0;
    catalog.onChange(() => changes++);
    expect(catalog.scan()).toBe(true);
    expect(catalog.versions()).toEqual(['0.2.0']);
    expect(catalog.problems()).toEqual([{ release: '0.3.0', message: expect.stringMatching(/siaga-agent-linux-x64 has 9 bytes, manifest.json says 17/) }]);
    expect(catalog.scan()).toBe(false);
    expect(changes).toBe(1);
  });
});

describe('which release a host runs', () => {
  const updates = updatesSchema.parse({
    default: '0.2.0',
    pins: [
      { select: { hosts: ['WS-CANARY'] }, version: '0.3.0' },
      { select: { sites: ['hq'], groups: ['finance'] }, version: '0.1.0' },
      { select: { tags: ['kiosk', 'frozen'] }, version: 'none' },
      { select: { sites: ['branch'] }, version: '0.3.0' },
    ],
  });

  it('takes the first pin that selects the host, else the default', () => {
    expect(wantedVersion(updates, host())).toBe('0.1.0');
    expect(wantedVersion(updates, host({ hostname: 'ws-canary' }))).toBe('0.3.0');
    expect(wantedVersion(updates, host({ group: 'sales' }))).toBe('0.2.0');
    expect(wantedVersion(updates, host({ site: null, group: 'finance' }))).toBe('0.2.0');
    expect(wantedVersion(updates, host({ group: null, tags: ['kiosk', 'frozen'] }))).toBe('none');
    expect(wantedVersion(updates, host({ group: null, tags: ['kiosk'] }))).toBe('0.2.0');
    expect(wantedVersion(updates, host({ site: 'branch', group: 'finance' }))).toBe('0.3.0');
    expect(wantedVersion(updatesSchema.parse({}), host())).toBe('none');
  });

  it("offers the wanted release's executable for the host's platform, or nothing", async () => {
    const packages = fakeBuild({ 'siaga-agent-linux-x64': 'linux', 'siaga-agent-win-x64.exe': 'windows' });
    await signRelease({ key: readPrivateKey(keyFile().file), from: packages, to: packages, version: '0.2.0', commit: 'abc1234' });
    const catalog = new ReleaseCatalog(packages, createLogger('silent'));
    catalog.scan();
    const file = catalog.get('0.2.0')?.files.get('siaga-agent-win-x64.exe');
    expect(offerFor(updates, catalog, host({ group: 'sales', os: { platform: 'win32', arch: 'x64', distro: 'Windows', release: '11' } }))).toEqual({
      version: '0.2.0',
      platform: 'win-x64',
      url: '/downloads/releases/0.2.0/siaga-agent-win-x64.exe',
      sha256: file?.sha256,
      signature: file?.signature,
    });
    // No darwin build in this release, 0.1.0 is not in the catalog, 'none' offers nothing.
    expect(offerFor(updates, catalog, host({ group: 'sales', os: { platform: 'darwin', arch: 'x64', distro: 'macOS', release: '14' } }))).toBeUndefined();
    expect(offerFor(updates, catalog, host())).toBeUndefined();
    expect(offerFor(updates, catalog, host({ group: null, tags: ['kiosk', 'frozen'] }))).toBeUndefined();
  });

  it('names the releases the settings want that the catalog lacks', async () => {
    const packages = fakeBuild({ 'siaga-agent-linux-x64': 'linux' });
    await signRelease({ key: readPrivateKey(keyFile().file), from: packages, to: packages, version: '0.2.0', commit: 'abc1234' });
    const catalog = new ReleaseCatalog(packages, createLogger('silent'));
    catalog.scan();
    expect(missingReleases(updates, catalog).sort()).toEqual(['0.1.0', '0.3.0']);
  });

  it('names the field of a mistyped version', () => {
    const result = updatesSchema.safeParse({ pins: [{ select: { sites: ['hq'] }, version: 'latest' }] });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['pins', 0, 'version']);
  });
});
