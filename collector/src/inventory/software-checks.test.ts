import { describe, expect, it } from 'vitest';
import { compareVersions, softwareChecks } from './software-checks.js';

const installed = [
  { name: 'Mozilla Firefox (x64 en-US)', version: '128.0.3' },
  { name: 'GlobalProtect', version: '6.1.0-32' },
  { name: 'uTorrent', version: '3.6' },
];

describe('software checks', () => {
  it('compares versions numerically, part by part', () => {
    expect(compareVersions('115.0.2', '99.9')).toBe(1);
    expect(compareVersions('6.1.0-32', '6.1.0-4')).toBe(1);
    expect(compareVersions('1.2', '1.2.0')).toBe(0);
    expect(compareVersions('1.2.0', '1.10')).toBe(-1);
  });

  it('passes required software at or above the minimum, fails it below or missing, with reasons', () => {
    const results = softwareChecks(
      [
        { kind: 'required', name: 'Mozilla Firefox*', minVersion: '115', severity: 'fail' },
        { kind: 'required', name: 'globalprotect', minVersion: '6.2', severity: 'warn' },
        { kind: 'required', name: 'CrowdStrike Falcon*', severity: 'fail' },
        { kind: 'forbidden', name: 'utorrent*', severity: 'fail' },
        { kind: 'forbidden', name: 'BitTorrent', severity: 'fail' },
      ],
      installed,
      1_790_000_000_000,
    );
    expect(results.map((r) => [r.instance, r.status, r.reason])).toEqual([
      ['Mozilla Firefox*', 'pass', 'Mozilla Firefox (x64 en-US) 128.0.3'],
      ['globalprotect', 'warn', 'GlobalProtect 6.1.0-32 is older than required 6.2'],
      ['CrowdStrike Falcon*', 'fail', 'Required software missing: CrowdStrike Falcon*'],
      ['utorrent*', 'fail', 'Forbidden software installed: uTorrent 3.6'],
      ['BitTorrent', 'pass', 'BitTorrent not installed'],
    ]);
  });
});
