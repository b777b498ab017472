import { describe, expect, it } from 'vitest';
import { parseCollectorFrame } from './parse.js';
import { agentFileName, releaseManifestSchema, releasePlatformOf, releaseStatement } from './release.js';
import { PROTOCOL_VERSION } from './version.js';

const SIGNATURE = Buffer.alloc(64, 7).toString('base64');
const SHA = 'a'.repeat(64);
const policy = { version: 'p1', intervalSec: 15, watchIntervalSec: 1, probes: {}, checks: [] };
const welcome = { v: PROTOCOL_VERSION, type: 'welcome', hostId: '6f1c2f7e-5b1a-4c1e-9d2a-0c8f6b1e2d3a', serverTime: Date.now(), ackedSeq: 0, policy };
const offer = { version: '0.2.0', platform: 'linux-x64', url: '/downloads/releases/0.2.0/siaga-agent-linux-x64', sha256: SHA, signature: SIGNATURE };

describe('release format', () => {
  it('names executables and platforms the way the build does', () => {
    expect(releasePlatformOf('win32', 'x64')).toBe('win-x64');
    expect(releasePlatformOf('linux', 'x64')).toBe('linux-x64');
    expect(releasePlatformOf('freebsd', 'x64')).toBeUndefined();
    expect(releasePlatformOf('linux', 'ia32')).toBeUndefined();
    expect(agentFileName('win-x64')).toBe('siaga-agent-win-x64.exe');
    expect(agentFileName('darwin-x64')).toBe('siaga-agent-darwin-x64');
  });

  it('binds version, file and hash into the signed statement', () => {
    const a = Buffer.from(releaseStatement('0.2.0', 'siaga-agent-linux-x64', SHA)).toString('utf8');
    expect(a).toBe(`siaga-release-v1\n0.2.0\nsiaga-agent-linux-x64\n${SHA}\n`);
    expect(Buffer.from(releaseStatement('0.2.1', 'siaga-agent-linux-x64', SHA)).toString('utf8')).not.toBe(a);
  });

  it('refuses a manifest with a path in a file name or a duplicate file', () => {
    const base = { format: 1, version: '0.2.0', commit: 'abc1234', createdAt: new Date().toISOString(), publicKey: Buffer.alloc(32).toString('base64') };
    const file = { name: 'siaga-agent-linux-x64', sha256: SHA, size: 10, signature: SIGNATURE };
    expect(releaseManifestSchema.safeParse({ ...base, files: [file] }).success).toBe(true);
    expect(releaseManifestSchema.safeParse({ ...base, files: [{ ...file, name: '../etc/passwd' }] }).success).toBe(false);
    expect(releaseManifestSchema.safeParse({ ...base, files: [file, file] }).success).toBe(false);
    expect(releaseManifestSchema.safeParse({ ...base, version: 'latest', files: [file] }).success).toBe(false);
  });
});

describe('update offers in welcome and policy frames', () => {
  it('are optional, so a collector without updates speaks as before', () => {
    const parsed = parseCollectorFrame(JSON.stringify(welcome));
    expect(parsed.ok && parsed.frame.type === 'welcome' && parsed.frame.update).toBeUndefined();
  });

  it('are read from welcome and policy', () => {
    const w = parseCollectorFrame(JSON.stringify({ ...welcome, update: offer }));
    expect(w.ok && w.frame.type === 'welcome' && w.frame.update).toEqual(offer);
    const p = parseCollectorFrame(JSON.stringify({ v: PROTOCOL_VERSION, type: 'policy', policy, update: offer }));
    expect(p.ok && p.frame.type === 'policy' && p.frame.update).toEqual(offer);
  });

  it('name the field when an offer is malformed', () => {
    const parsed = parseCollectorFrame(JSON.stringify({ ...welcome, update: { ...offer, sha256: 'xyz' } }));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error.path).toBe('update.sha256');
  });
});
