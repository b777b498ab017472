import { createHash, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { agentFileName, type ErrorFrame, releaseStatement, type UpdateOffer } from '@siaga/shared';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MSI_OWNED_MARK } from '../service/layout.js';
import { WindowsLikeFs } from './junction-fs.testutil.js';
import { windowsSwitch } from './switch.win32.js';
import { Updater, type UpdaterOptions } from './updater.js';

const OLD = { version: '0.1.0', name: '0.1.0-aaa1111' };
const NEW = { version: '0.2.0', name: '0.2.0-bbb2222' };
const FILE = 'siaga-agent-linux-x64';
/** A stand-in build: answers --version like the real executable does. */
const build = (version: string, commit: string) => `#!/bin/sh\necho "siaga-agent ${version} (${commit})"\n`;

function keyPair(): { privateKey: KeyObject; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey, publicKey: Buffer.from(publicKey.export({ format: 'jwk' }).x as string, 'base64url').toString('base64') };
}

const RELEASE = keyPair();
const OTHER = keyPair();

let tmp: string;
let programDir: string;
let stateDir: string;
let server: http.Server;
let base: URL;
let served = build(NEW.version, 'bbb2222');
let requests = 0;
let clock = Date.now();
let online = true;
const logs: Array<Record<string, unknown>> = [];
const sent: ErrorFrame[] = [];
const events: string[] = [];

function offer(options: { content?: string; version?: string; key?: KeyObject; url?: string; platform?: string } = {}): UpdateOffer {
  const version = options.version ?? NEW.version;
  const platform = options.platform ?? 'linux-x64';
  const file = agentFileName(platform);
  const sha256 = createHash('sha256').update(options.content ?? served).digest('hex');
  const signature = sign(null, releaseStatement(version, file, sha256), options.key ?? RELEASE.privateKey).toString('base64');
  return { version, platform, url: options.url ?? `/downloads/releases/${version}/${file}`, sha256, signature };
}

type System = Pick<UpdaterOptions, 'platform' | 'arch' | 'folders'>;

function updater(running = OLD, extra: Partial<UpdaterOptions['config']> = {}, now: () => number = () => clock, system: System = {}): Updater {
  return new Updater({
    ...system,
    config: { enabled: true, publicKey: RELEASE.publicKey, installDir: programDir, confirmTimeoutSec: 60, retryAfterSec: 600, ...extra },
    stateDir,
    baseUrl: base,
    ca: undefined,
    log: pino({ level: 'debug' }, { write: (line: string) => logs.push(JSON.parse(line) as Record<string, unknown>) }),
    version: running.version,
    versionName: running.name,
    send: (frame) => {
      if (online) sent.push(frame);
      return online;
    },
    shutdown: async (reason) => {
      events.push(`shutdown ${reason}`);
    },
    now,
    restart: (executable) => events.push(`restart ${executable}`),
  });
}

const current = () => readlinkSync(path.join(programDir, 'current'));
const logged = (msg: string) => logs.filter((l) => l.msg === msg);

beforeEach(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'siaga-updater-'));
  programDir = path.join(tmp, 'lib', 'siaga-agent');
  stateDir = path.join(tmp, 'state');
  mkdirSync(path.join(programDir, OLD.name), { recursive: true });
  mkdirSync(stateDir);
  writeFileSync(path.join(programDir, OLD.name, 'siaga-agent'), build(OLD.version, 'aaa1111'), { mode: 0o755 });
  symlinkSync(OLD.name, path.join(programDir, 'current'));
  served = build(NEW.version, 'bbb2222');
  requests = 0;
  clock = Date.now();
  online = true;
  logs.length = 0;
  sent.length = 0;
  events.length = 0;
  server = http.createServer((req, res) => {
    requests++;
    if (req.url === `/downloads/releases/${NEW.version}/${FILE}` || req.url === `/downloads/releases/${NEW.version}/${agentFileName('win-x64')}`) res.end(served);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});

afterEach(async () => {
  await new Promise((r) => server.close(r));
  rmSync(tmp, { recursive: true, force: true });
});

describe.runIf(process.platform === 'linux' && process.arch === 'x64')('automatic update', () => {
  it('installs a signed build beside the running one, switches current, says goodbye and restarts into it', async () => {
    await updater().offer(offer());
    expect(current()).toBe(NEW.name);
    expect(readFileSync(path.join(programDir, NEW.name, 'siaga-agent'), 'utf8')).toBe(served);
    expect(existsSync(path.join(programDir, OLD.name, 'siaga-agent'))).toBe(true);
    expect(events).toEqual(['shutdown update', `restart ${path.join(programDir, 'current', 'siaga-agent')}`]);
    const pending = JSON.parse(readFileSync(path.join(stateDir, 'update-pending.json'), 'utf8')) as Record<string, unknown>;
    expect(pending).toMatchObject({ from: OLD.name, to: NEW.name, fromVersion: OLD.version, toVersion: NEW.version, deadline: clock + 60_000 });
  });

  it('confirms the new version at the first welcome', async () => {
    await updater().offer(offer());
    const next = updater(NEW);
    await next.resume();
    expect(logged('new version on probation: it is rolled back unless the collector welcomes it')).toHaveLength(1);
    next.welcomed();
    next.stop();
    expect(existsSync(path.join(stateDir, 'update-pending.json'))).toBe(false);
    expect(logged('update confirmed: the collector welcomed the new version')).toHaveLength(1);
    expect(current()).toBe(NEW.name);
  });

  it('rolls back a new version that gets no welcome by the deadline; the old one reports it and never retries that build', async () => {
    await updater(OLD, { confirmTimeoutSec: 1 }).offer(offer());
    events.length = 0;
    // The new version starts, but the collector never welcomes it.
    await updater(NEW).resume();
    await new Promise((r) => setTimeout(r, 1_300));
    expect(current()).toBe(OLD.name);
    expect(events).toEqual(['shutdown restart', `restart ${path.join(programDir, 'current', 'siaga-agent')}`]);

    // The old version is back; it is offline at first, so the report waits for the welcome.
    events.length = 0;
    online = false;
    const old = updater(OLD);
    await old.resume();
    expect(existsSync(path.join(stateDir, 'update-pending.json'))).toBe(false);
    online = true;
    old.welcomed();
    expect(sent).toEqual([expect.objectContaining({ type: 'error', code: 'SIAGA_ERR_UPDATE_ROLLED_BACK', message: `update to ${NEW.version} rolled back to ${OLD.version}: no welcome from the collector within 1 s` })]);
    const downloads = requests;
    clock += 7 * 86_400_000;
    await old.offer(offer());
    expect(requests).toBe(downloads);
    expect(current()).toBe(OLD.name);
    expect(events).toEqual([]);
  });

  it('rolls back at start when the deadline passed while the new version was down', async () => {
    await updater().offer(offer());
    events.length = 0;
    clock += 61_000;
    await updater(NEW).resume();
    expect(current()).toBe(OLD.name);
    expect(events[0]).toBe('shutdown restart');
  });

  it('refuses a build whose signature does not verify, without downloading it, and does not try it again', async () => {
    const bad = offer({ key: OTHER.privateKey });
    const u = updater();
    await u.offer(bad);
    await u.offer(bad);
    expect(requests).toBe(0);
    expect(current()).toBe(OLD.name);
    expect(events).toEqual([]);
    expect(sent).toEqual([expect.objectContaining({ code: 'SIAGA_ERR_UPDATE_REFUSED', message: `update to ${NEW.version} refused: its signature does not verify with this agent's release key` })]);
    expect(logged('not trying this build again yet')).toHaveLength(1);
  });

  it('refuses a download whose hash differs from the signed one, and tries again only after the pause', async () => {
    const signed = offer();
    served = build(NEW.version, 'ccc3333');
    const u = updater();
    await u.offer(signed);
    expect(requests).toBe(1);
    expect(sent[0]?.message).toMatch(/^update to 0\.2\.0 refused: the download's SHA-256 is [0-9a-f]{64}, the signed one is [0-9a-f]{64}$/);
    expect(readdir()).toEqual(['0.1.0-aaa1111', 'current']);
    await u.offer(signed);
    expect(requests).toBe(1);
    clock += 601_000;
    await u.offer(signed);
    expect(requests).toBe(2);
    expect(current()).toBe(OLD.name);
  });

  it('tries a failed download again by itself once the pause is over', async () => {
    const signed = offer();
    served = 'truncated';
    const u = updater(OLD, { retryAfterSec: 1 }, Date.now);
    await u.offer(signed);
    expect(requests).toBe(1);
    served = build(NEW.version, 'bbb2222');
    for (let waited = 0; current() !== NEW.name && waited < 10_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
    expect(requests).toBe(2);
    expect(current()).toBe(NEW.name);
    u.stop();
  });

  it('refuses a signed build that says it is another version', async () => {
    served = build('0.3.0', 'ddd4444');
    await updater().offer(offer());
    expect(sent[0]?.message).toBe('update to 0.2.0 refused: the build says it is version 0.3.0');
    expect(current()).toBe(OLD.name);
  });

  it('does nothing without a release key, with updates off, or for a download elsewhere than the collector', async () => {
    await updater(OLD, { publicKey: undefined }).offer(offer());
    await updater(OLD, { enabled: false }).offer(offer());
    expect(logged('update offered, but no release key is configured (update.publicKey): not updating')).toHaveLength(1);
    expect(logged('update offered, but updates are off (update.enabled: false)')).toHaveLength(1);
    await updater().offer(offer({ url: 'http://198.51.100.7/siaga-agent-linux-x64' }));
    expect(sent[0]?.message).toBe(`update to 0.2.0 refused: http://198.51.100.7/siaga-agent-linux-x64 is not on the collector (${base.origin})`);
    expect(requests).toBe(0);
    await updater().offer(offer({ version: OLD.version }));
    expect(requests).toBe(0);
  });
});

describe.runIf(process.platform !== 'win32')('automatic update of a Windows agent (junction behaviour on this machine)', () => {
  let fs: WindowsLikeFs;
  const windows = (running = OLD, extra: Partial<UpdaterOptions['config']> = {}) =>
    updater(running, extra, () => clock, { platform: 'win32', arch: 'x64', folders: windowsSwitch({ fs, path: path.posix }) });
  const link = () => path.join(programDir, 'current');

  beforeEach(() => {
    fs = new WindowsLikeFs(tmp, path.posix);
    fs.addVersion(programDir, OLD.name, 'siaga-agent.exe', build(OLD.version, 'aaa1111'));
    unlinkSync(link());
    fs.symlinkSync(OLD.name, link(), 'junction');
    fs.calls.length = 0;
  });

  it('installs a signed win-x64 build beside the running one, switches the junction, says goodbye and restarts into it', async () => {
    await windows().offer(offer({ platform: 'win-x64' }));
    expect(fs.readlinkSync(link())).toBe(`${path.join(programDir, NEW.name)}/`);
    expect(readFileSync(path.join(programDir, NEW.name, 'siaga-agent.exe'), 'utf8')).toBe(served);
    const staged = expect.stringMatching(new RegExp(`^${programDir}/\\.staging-\\w+$`));
    const fresh = `${link()}.new-${process.pid}`;
    expect(fs.calls.map((c) => c.split(' '))).toEqual([
      ['rm', path.join(programDir, NEW.name)],
      ['rename', staged, '->', path.join(programDir, NEW.name)],
      ['junction', fresh, '->', path.join(programDir, NEW.name)],
      ['unlink', link()],
      ['rename', fresh, '->', link()],
      ['rm', staged],
    ]);
    expect(events).toEqual(['shutdown update', `restart ${path.join(link(), 'siaga-agent.exe')}`]);
    expect(logs.filter((l) => /MSI/.test(String(l.msg)))).toEqual([]);
    expect(readdirSync(path.join(programDir, OLD.name)).sort()).toEqual(['siaga-agent', 'siaga-agent.exe']);
  });

  it('switches the junction back when the new version gets no welcome by the deadline', async () => {
    await windows().offer(offer({ platform: 'win-x64' }));
    events.length = 0;
    clock += 61_000;
    await windows(NEW).resume();
    expect(fs.readlinkSync(link())).toBe(`${path.join(programDir, OLD.name)}/`);
    expect(events).toEqual(['shutdown restart', `restart ${path.join(link(), 'siaga-agent.exe')}`]);
  });

  it("switches to the MSI's own folder when the offered build is the one the MSI installed, leaving that folder as it is", async () => {
    fs.addVersion(programDir, NEW.name, 'siaga-agent.exe', 'the MSI copy');
    writeFileSync(path.join(programDir, NEW.name, MSI_OWNED_MARK), 'msi');
    await windows().offer(offer({ platform: 'win-x64' }));
    expect(fs.readlinkSync(link())).toBe(`${path.join(programDir, NEW.name)}/`);
    expect(readdirSync(path.join(programDir, NEW.name)).sort()).toEqual([MSI_OWNED_MARK, 'siaga-agent.exe'].sort());
    expect(readFileSync(path.join(programDir, NEW.name, 'siaga-agent.exe'), 'utf8')).toBe('the MSI copy');
    expect(events[0]).toBe('shutdown update');
  });

  it('refuses a build for another platform without downloading it', async () => {
    await windows().offer(offer());
    expect(sent[0]?.message).toBe('update to 0.2.0 refused: the build is for linux-x64, this agent runs on win-x64');
    expect(requests).toBe(0);
    expect(fs.calls).toEqual([]);
  });
});

function readdir(): string[] {
  return readdirSync(programDir).sort();
}
