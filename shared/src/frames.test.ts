import { describe, expect, it } from 'vitest';
import { LIMITS } from './limits.js';
import { errorFrameFor, parseAgentFrame, parseCollectorFrame } from './parse.js';

const host = { id: '3f1c2a4e-8d7b-4c3a-9e2f-1a2b3c4d5e6f', hostname: 'ws-0042', fingerprint: 'a1b2c3d4e5f60718' };
const os = { platform: 'win32', distro: 'Microsoft Windows 11 Pro', release: '10.0.22631', arch: 'x64' };
const t = 1_790_000_000_000;
const policy = { version: 'p1', intervalSec: 15, probes: { disk: { enabled: true } }, checks: [] };

const agentFrames = {
  hello: { v: 1, type: 'hello', agentVersion: '0.1.0', host, os, labels: { site: 'jakarta', group: 'finance', tags: ['floor-3'] }, lastAckedSeq: 0, sentAt: t },
  report: {
    v: 1,
    type: 'report',
    seq: 7,
    collectedAt: t,
    metrics: [{ m: 'disk', tags: { path: 'C:' }, fields: { free_percent: 3.2, read_only: 0 } }],
    checks: [{ name: 'disk_space', instance: 'C:', status: 'fail', reason: 'Disk C: 3% free (needs 10%)', observed: 3.2, threshold: 10, since: t }],
  },
  inventory: { v: 1, type: 'inventory', collectedAt: t, hash: 'abcdef0123456789', part: 0, parts: 1, hardware: { vendor: 'LENOVO', model: '20XW' }, software: [{ name: 'Firefox', version: '128.0' }] },
  goodbye: { v: 1, type: 'goodbye', reason: 'sleep', sentAt: t },
  command_result: { v: 1, type: 'command_result', id: 'cmd-1', ok: true, result: { checks: 3 } },
  error: { v: 1, type: 'error', code: 'SIAGA_ERR_INVALID_FRAME', message: 'policy.checks[0].op: invalid' },
} as const;

const collectorFrames = {
  welcome: { v: 1, type: 'welcome', hostId: host.id, serverTime: t, ackedSeq: 6, policy },
  ack: { v: 1, type: 'ack', seq: 7 },
  policy: { v: 1, type: 'policy', policy },
  command: { v: 1, type: 'command', id: 'recheck-1', name: 'recheck' },
  error: { v: 1, type: 'error', code: 'SIAGA_ERR_INVALID_FRAME', message: 'metrics[0].m: expected lower_snake_case name', path: 'metrics[0].m', ref: { type: 'report', seq: 3 } },
} as const;

const text = (value: unknown) => JSON.stringify(value);

describe('agent → collector frames', () => {
  it.each(Object.entries(agentFrames))('accepts a valid %s frame', (_type, frame) => {
    const result = parseAgentFrame(text(frame));
    expect(result.ok).toBe(true);
  });

  it.each([
    ['hello without host.id', { ...agentFrames.hello, host: { ...host, id: 'not-a-uuid' } }, 'host.id'],
    ['hello with a bad site label', { ...agentFrames.hello, labels: { site: 'has space', tags: [] } }, 'labels.site'],
    ['report with seq 0', { ...agentFrames.report, seq: 0 }, 'seq'],
    ['report with a string field value object', { ...agentFrames.report, metrics: [{ m: 'cpu', fields: { usage: { x: 1 } } }] }, 'metrics[0].fields.usage'],
    ['report with a bad measurement name', { ...agentFrames.report, metrics: [{ m: 'CPU Load', fields: { x: 1 } }] }, 'metrics[0].m'],
    ['report with no fields', { ...agentFrames.report, metrics: [{ m: 'cpu', fields: {} }] }, 'metrics[0].fields'],
    ['report with an unknown check status', { ...agentFrames.report, checks: [{ name: 'disk', status: 'broken', reason: 'x' }] }, 'checks[0].status'],
    ['report with a control character in a reason', { ...agentFrames.report, checks: [{ name: 'disk', status: 'fail', reason: 'a\u0007b' }] }, 'checks[0].reason'],
    ['report with a collectedAt in seconds', { ...agentFrames.report, collectedAt: 1_790_000_000 }, 'collectedAt'],
    ['inventory with part ≥ parts', { ...agentFrames.inventory, part: 1, parts: 1 }, 'part'],
    ['goodbye with an unknown reason', { ...agentFrames.goodbye, reason: 'bored' }, 'reason'],
    ['command_result with a bad id', { ...agentFrames.command_result, id: 'bad id!' }, 'id'],
    ['unknown type', { v: 1, type: 'launch_missiles' }, 'type'],
  ])('rejects %s, naming the field', (_what, frame, path) => {
    const result = parseAgentFrame(text(frame));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('SIAGA_ERR_INVALID_FRAME');
    expect(result.error.path).toBe(path);
    expect(result.error.message).toContain(`${path}:`);
  });

  it('refuses invalid JSON, non-objects, other protocol versions and oversized frames with their own codes', () => {
    const bad = parseAgentFrame('{"v":1,');
    expect(!bad.ok && bad.error.code).toBe('SIAGA_ERR_INVALID_JSON');
    const array = parseAgentFrame('[1,2]');
    expect(!array.ok && array.error.code).toBe('SIAGA_ERR_INVALID_FRAME');
    const v2 = parseAgentFrame(text({ ...agentFrames.goodbye, v: 2 }));
    expect(!v2.ok && v2.error.code).toBe('SIAGA_ERR_UNSUPPORTED_VERSION');
    expect(!v2.ok && v2.error.ref).toEqual({ type: 'goodbye' });
    const huge = parseAgentFrame(Buffer.alloc(LIMITS.maxFrameBytes + 1, 0x20));
    expect(!huge.ok && huge.error.code).toBe('SIAGA_ERR_FRAME_TOO_LARGE');
  });

  it('applies defaults a sender may leave out', () => {
    const { checks: _c, ...report } = agentFrames.report;
    const result = parseAgentFrame(text(report));
    expect(result.ok && result.frame.type === 'report' && result.frame.trigger).toBe('interval');
    expect(result.ok && result.frame.type === 'report' && result.frame.checks).toEqual([]);
  });

  it('builds an error frame that echoes the failing field and the report seq', () => {
    const result = parseAgentFrame(text({ ...agentFrames.report, seq: 9, metrics: [{ m: 'cpu', fields: { usage: 'x'.repeat(2000) } }] }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const frame = errorFrameFor(result.error);
    expect(frame).toMatchObject({ v: 1, type: 'error', code: 'SIAGA_ERR_INVALID_FRAME', path: 'metrics[0].fields.usage', ref: { type: 'report', seq: 9 } });
    expect(parseCollectorFrame(text(frame)).ok).toBe(true);
  });
});

describe('collector → agent frames', () => {
  it.each(Object.entries(collectorFrames))('accepts a valid %s frame', (_type, frame) => {
    expect(parseCollectorFrame(text(frame)).ok).toBe(true);
  });

  it.each([
    ['welcome with a non-uuid host id', { ...collectorFrames.welcome, hostId: 'x' }, 'hostId'],
    ['ack with a negative seq', { ...collectorFrames.ack, seq: -1 }, 'seq'],
    ['policy with a zero interval', { ...collectorFrames.policy, policy: { ...policy, intervalSec: 0 } }, 'policy.intervalSec'],
    ['policy with a bad check operator', { ...collectorFrames.policy, policy: { ...policy, checks: [{ name: 'disk', measurement: 'disk', field: 'free', reason: 'r', fail: { op: 'about', value: 1 } }] } }, 'policy.checks[0].fail.op'],
    ['command outside the fixed set', { ...collectorFrames.command, name: 'shell' }, 'name'],
    ['error with a free-form code', { ...collectorFrames.error, code: 'oops' }, 'code'],
  ])('rejects %s, naming the field', (_what, frame, path) => {
    const result = parseCollectorFrame(text(frame));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.path).toBe(path);
  });

  it('does not accept agent frames from the collector', () => {
    expect(parseCollectorFrame(text(agentFrames.hello)).ok).toBe(false);
  });
});
