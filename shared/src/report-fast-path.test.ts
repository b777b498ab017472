import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { reportFrameSchema } from './frames.js';
import { parseAgentFrame } from './parse.js';
import { acceptReport } from './report-fast-path.js';

const t = 1_790_000_000_000;

/** Shaped like a real agent's report: several measurements with and without tags, string fields, checks. */
const report = {
  v: 1,
  type: 'report',
  seq: 42,
  collectedAt: t,
  trigger: 'interval',
  policyVersion: '9288175fa901',
  metrics: [
    { m: 'cpu', tags: { cpu: 'cpu-total' }, fields: { usage_active: 12.5, usage_idle: 87.5, usage_steal: 0 } },
    { m: 'mem', fields: { total: 25_276_059_648, available_percent: 84.09 } },
    { m: 'disk', tags: { path: 'C:\\', fstype: 'NTFS', mode: 'rw' }, fields: { free_percent: 75.41, read_only: 0 } },
    { m: 'http_response', tags: { app: 'erp', method: 'GET' }, fields: { response_time_ms: 12, ok: 1, error: 'status 503 (expected 200-399)' } },
    { m: 'siaga_agent', tags: { probe: 'cpu' }, fields: { duration_ms: 0.4, success: true } },
    // At the limits: 8 tags, 64 fields.
    { m: 'wide', tags: Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`t${i}`, 'v'])), fields: Object.fromEntries(Array.from({ length: 64 }, (_, i) => [`f${i}`, i])) },
  ],
  checks: [
    { name: 'disk_space', instance: 'C:\\', status: 'pass', reason: 'Disk C:\\ 75% free', observed: 75.41, threshold: 10, since: t - 60_000 },
    { name: 'app', instance: 'erp', status: 'fail', reason: 'ERP: status 503', observed: 'status 503', threshold: true },
    { name: 'memory', status: 'warn', reason: 'Memory 9% available' },
  ],
};

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

/** Values at the edges of every rule in the report schema. */
const EDGE_VALUES: unknown[] = [
  0, 1, -1, 1.5, 2 ** 53 - 1, 2 ** 53 + 2, 946_684_799_999, 946_684_800_000, 7_258_118_400_000, 7_258_118_400_001,
  '', 'x', 'a\u0007b', 'tab\there', 'x'.repeat(64), 'x'.repeat(65), 'y'.repeat(256), 'y'.repeat(257), 'z'.repeat(512), 'z'.repeat(513), 'w'.repeat(1025),
  true, false, null, [], [1], {}, { a: 1 }, 'interval', 'replay', 'bogus', 'pass', 'fail', 'Upper', 'lower_snake', 1,
];
const EXTRA_KEYS = ['extra', 'Bad Key', '__proto__', 'constructor', 'x1', '_x', 'a'.repeat(65)];

type Node = Record<string, unknown> | unknown[];

/** Every object and array inside `root`, with itself. */
function containers(root: unknown, out: Node[] = []): Node[] {
  if (typeof root === 'object' && root !== null) {
    out.push(root as Node);
    for (const v of Object.values(root)) containers(v, out);
  }
  return out;
}

/** Applies one mutation: replace, delete or add a key somewhere in the frame. */
function mutate(frame: Record<string, unknown>, [where, op, key, value]: [number, number, number, number]): void {
  const all = containers(frame);
  const node = all[where % all.length] as Record<string, unknown>;
  const keys = Object.keys(node);
  const v = clone(EDGE_VALUES[value % EDGE_VALUES.length]);
  if (op % 3 === 2 || keys.length === 0) {
    const name = Array.isArray(node) ? String(keys.length) : (EXTRA_KEYS[key % EXTRA_KEYS.length] as string);
    Object.defineProperty(node, name, { value: v, enumerable: true, writable: true, configurable: true });
    return;
  }
  const k = keys[key % keys.length] as string;
  if (op % 3 === 1 && !Array.isArray(node)) delete node[k];
  else node[k] = v;
}

describe('report fast path', () => {
  it('accepts a realistic report unchanged, filling the defaults as zod does', () => {
    expect(acceptReport(clone(report))).toEqual({ frame: reportFrameSchema.parse(clone(report)), exact: true });
    const { trigger: _t, checks: _c, ...bare } = report;
    expect(acceptReport(clone(bare))).toEqual({ frame: { ...bare, trigger: 'interval', checks: [] }, exact: false });
  });

  /** The fast path's answer must be zod's: what it accepts, zod returns equal; what zod returns unchanged, it accepts. */
  function agree(frame: unknown): boolean {
    const text = JSON.stringify(frame);
    const fast = acceptReport(JSON.parse(text) as Record<string, unknown>);
    const slow = reportFrameSchema.safeParse(JSON.parse(text));
    if (fast !== undefined) {
      expect(slow.success, text).toBe(true);
      expect(fast.frame).toEqual(slow.data);
      // The text stands for the frame only when nothing was filled in.
      expect(fast.exact).toBe(JSON.stringify(JSON.parse(text)) === JSON.stringify(fast.frame));
      return true;
    }
    // zod took it only by changing it (dropping an unknown key): the fast path leaves that to zod.
    if (slow.success) expect(slow.data, text).not.toEqual({ trigger: 'interval', checks: [], ...(JSON.parse(text) as object) });
    return false;
  }

  it('agrees with the zod schema on every single change: each value replaced by each edge value, each key removed, keys added', () => {
    let cases = 0;
    const size = containers(report).length;
    for (let where = 0; where < size; where++) {
      const keys = Object.keys(containers(clone(report))[where] as object).length;
      for (let key = 0; key < Math.max(keys, EXTRA_KEYS.length); key++) {
        for (let value = 0; value < EDGE_VALUES.length; value++) {
          for (const op of value === 0 ? [0, 1, 2] : [0, 2]) {
            const frame = clone(report) as Record<string, unknown>;
            mutate(frame, [where, op, key, value]);
            agree(frame);
            cases++;
          }
        }
      }
    }
    expect(cases).toBeGreaterThan(2_000);
  });

  it('agrees with the zod schema on random combinations of changes', () => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(), fc.nat(), fc.nat(), fc.nat()), { minLength: 0, maxLength: 3 }), (mutations) => {
        const frame = clone(report) as Record<string, unknown>;
        for (const m of mutations) mutate(frame, m);
        if (agree(frame)) accepted++;
      }),
      { numRuns: 1_000, seed: 20261128 },
    );
    expect(accepted).toBeGreaterThan(50);
  });

  it('hands back the received text when it holds exactly the frame, and not when a default was filled in', () => {
    const text = JSON.stringify(report);
    const exact = parseAgentFrame(text);
    expect(exact.ok && exact.text).toBe(text);
    const { checks: _c, ...bare } = report;
    const filled = parseAgentFrame(JSON.stringify(bare));
    expect(filled.ok && filled.text).toBeUndefined();
    const hello = parseAgentFrame(JSON.stringify({ v: 1, type: 'goodbye', reason: 'sleep', sentAt: t }));
    expect(hello.ok && hello.text).toBeUndefined();
  });

  it('leaves invalid reports to zod, so errors still name the field', () => {
    const bad = parseAgentFrame(JSON.stringify({ ...report, metrics: [{ m: 'cpu', fields: { usage: 'a\u0007b' } }] }));
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).toMatchObject({ code: 'SIAGA_ERR_INVALID_FRAME', path: 'metrics[0].fields.usage', ref: { type: 'report', seq: 42 } });
    const extra = parseAgentFrame(JSON.stringify({ ...report, extra: 1 }));
    expect(extra.ok && extra.frame.type === 'report' && 'extra' in extra.frame).toBe(false);
  });
});
