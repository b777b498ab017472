import type { ReportFrame } from '@siaga/shared';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pointsToLines } from '../sinks/line-protocol.js';
import type { HostRecord } from '../store/hosts.js';
import { reportPoints } from './points.js';
import { reportLines } from './report-lines.js';

const host = (over: Partial<HostRecord> = {}): HostRecord => ({
  id: '3f1c2a4e-8d7b-4c3a-9e2f-1a2b3c4d5e6f',
  agentId: 'a',
  hostname: 'pc-0042',
  hardwareUuid: null,
  fingerprint: null,
  os: { platform: 'win32', distro: 'Windows 11', release: '10', arch: 'x64' },
  site: 'jakarta',
  group: 'finance',
  tags: [],
  agentVersion: '1',
  enrolledAt: 0,
  revokedAt: null,
  lastSeenAt: null,
  lastSeq: 0,
  lastReportAt: null,
  ...over,
});

const report = (over: Partial<ReportFrame>): ReportFrame => ({ v: 1, type: 'report', seq: 1, collectedAt: 1_790_000_000_000, trigger: 'interval', metrics: [], checks: [], ...over });

const expected = (h: HostRecord, f: ReportFrame) => pointsToLines(reportPoints(h, f));

// Names and values that need escaping, collide with host tags, or escape to nothing.
const word = fc.oneof(
  fc.constantFrom('host', 'host_id', 'os', 'site', 'group', 'check', 'instance', 'path', 'a', 'z', 'cpu', 'mount point', 'a,b', 'k=v', 'C:\\', 'x\\', '\\', '', 'tab\tx', 'q"uote', 'é'),
  fc.string({ maxLength: 6 }),
);
const value = fc.oneof(fc.double({ noNaN: false }), fc.integer(), fc.boolean(), word);

describe('report lines', () => {
  it('are the lines of the report\'s points, for a realistic report', () => {
    const frame = report({
      metrics: [
        { m: 'cpu', tags: { cpu: 'cpu-total' }, fields: { usage_active: 12.5, usage_idle: 87.5 } },
        { m: 'mem', fields: { total: 25_276_059_648, available_percent: 84.09 } },
        { m: 'disk', tags: { path: 'C:\\', fstype: 'NTFS', mode: 'rw' }, fields: { free_percent: 75.41, read_only: 0 } },
        { m: 'http_response', tags: { app: 'erp', method: 'GET' }, fields: { ok: 1, error: 'status 503 "bad"' } },
      ],
      checks: [
        { name: 'disk_space', instance: 'C:\\', status: 'pass', reason: 'Disk C:\\ 75% free', observed: 75.41 },
        { name: 'app', status: 'fail', reason: 'ERP: status 503', observed: 'status 503' },
      ],
    });
    expect(reportLines(host(), frame)).toEqual(expected(host(), frame));
    expect(reportLines(host({ site: null, group: null, hostname: 'pc with space' }), frame)).toEqual(expected(host({ site: null, group: null, hostname: 'pc with space' }), frame));
  });

  it('match the point path for any tags, fields and checks, escaping and collisions included', () => {
    const metric = fc.record({ m: word, tags: fc.option(fc.dictionary(word, word, { maxKeys: 5 }), { nil: undefined }), fields: fc.dictionary(word, value, { maxKeys: 5 }) });
    const check = fc.record({
      name: word,
      instance: fc.option(word, { nil: undefined }),
      status: fc.constantFrom('pass', 'warn', 'fail') as fc.Arbitrary<'pass' | 'warn' | 'fail'>,
      reason: word,
      observed: fc.option(fc.oneof(fc.double(), word, fc.boolean()), { nil: undefined }),
    });
    const hostArb = fc.record({ hostname: word, site: fc.option(word, { nil: null }), group: fc.option(word, { nil: null }) });
    fc.assert(
      fc.property(hostArb, fc.array(metric, { maxLength: 6 }), fc.array(check, { maxLength: 4 }), fc.double({ min: 0, max: 4e12, noNaN: true }), (h, metrics, checks, collectedAt) => {
        const record = host(h);
        const frame = report({ metrics: metrics.map((m) => (m.tags === undefined ? { m: m.m, fields: m.fields } : m)), checks: checks.map((c) => JSON.parse(JSON.stringify(c))), collectedAt });
        expect(reportLines(record, frame)).toEqual(expected(record, frame));
      }),
      { numRuns: 2_000, seed: 20261128 },
    );
  });
});
