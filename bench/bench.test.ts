// Smoke test of the benchmark plumbing on canned input: parsers, ratios, targets and the report
// writer. Benchmarks themselves are not tests (tests never assert speed).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AGENT_NODE_FLAGS } from '../packaging/lib/runtime-flags.mjs';
import { benchPolicy, defaultInterface } from './agent-footprint/subjects.mjs';
import { parseOptions, parseSeconds } from './agent-footprint/run.mjs';
import { originOf, summarizeProfile } from './lib/cpu-profile.mjs';
import { clockTicksPerSecond, descendants, footprint, parseStat, parseStatusKb, ProcessTreeMeter } from './lib/procfs.mjs';
import { buildReport, evaluateTargets, ratios, renderMarkdown, writeReport } from './lib/report.mjs';
import { decodeZabbix, encodeZabbix } from './lib/zabbix.mjs';
import { discover, splitArgs } from '../scripts/bench.mjs';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'siaga-bench-test-'));
  dirs.push(d);
  return d;
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

const stat = (pid: number, comm: string, ppid: number, utime: number, stime: number, cutime = 0, cstime = 0) =>
  `${pid} (${comm}) S ${ppid} ${pid} ${pid} 0 -1 4194560 100 0 0 0 ${utime} ${stime} ${cutime} ${cstime} 20 0 1 0 1000 1000000 500\n`;

describe('procfs', () => {
  it('parses /proc/<pid>/stat, also when the command name holds spaces and parentheses', () => {
    expect(parseStat(stat(42, 'node (agent) x', 7, 150, 30, 12, 3))).toMatchObject({ pid: 42, comm: 'node (agent) x', ppid: 7, utime: 150, stime: 30, cutime: 12, cstime: 3 });
    expect(() => parseStat('garbage')).toThrow(/not a \/proc/);
  });

  it('reads Vm lines of /proc/<pid>/status in KiB', () => {
    expect(parseStatusKb('Name:\tnode\nVmHWM:\t  51234 kB\nVmRSS:\t   40000 kB\nThreads:\t7\n')).toEqual({ VmHWM: 51234, VmRSS: 40000 });
  });

  it('sums a process tree: own, reaped children and live descendants; peak memory adds the children', () => {
    const root = tmp();
    const proc = (pid: number, statLine: string, status: string) => {
      mkdirSync(path.join(root, String(pid)));
      writeFileSync(path.join(root, String(pid), 'stat'), statLine);
      writeFileSync(path.join(root, String(pid), 'status'), status);
    };
    proc(10, stat(10, 'agent', 1, 100, 50, 20, 10), 'VmHWM:\t 40960 kB\nVmRSS:\t 30720 kB\nRssAnon:\t 10240 kB\nRssFile:\t 20480 kB\n');
    proc(11, stat(11, 'ping', 10, 3, 2), 'VmRSS:\t 2048 kB\n');
    proc(12, stat(12, 'sh', 11, 1, 1), 'VmRSS:\t 1024 kB\n');
    proc(99, stat(99, 'other', 1, 5000, 5000), 'VmRSS:\t 99999 kB\n');
    const meter = new ProcessTreeMeter(10, { procRoot: root });
    const r = meter.sample();
    // 100 + 50 + 20 + 10 ticks of its own and reaped children, 5 + 2 of the live descendants.
    expect(r.cpuSeconds).toBeCloseTo(187 / clockTicksPerSecond(), 9);
    expect(r).toMatchObject({ rssKb: 30720, hwmKb: 40960, anonKb: 10240, fileKb: 20480, childrenRssKb: 3072, descendants: 2 });
    expect(descendants(10, new Map([[10, { pid: 10, ppid: 1 }], [11, { pid: 11, ppid: 10 }], [12, { pid: 12, ppid: 11 }], [99, { pid: 99, ppid: 1 }]]))).toEqual([11, 12]);
    const fp = footprint({ at: 0, cpuSeconds: 1, selfCpuSeconds: 0.5 }, { at: 60_000, cpuSeconds: 1.6, selfCpuSeconds: 0.8, hwmKb: 40960, rssKb: 30720, anonKb: 10240, fileKb: 20480 }, meter);
    expect(fp).toMatchObject({ windowSec: 60, peakRssMb: 43, peakSelfRssMb: 40, peakChildrenRssMb: 3, peakAnonMb: 10, rssMb: 30, anonMb: 10, fileMb: 20 });
    for (const [key, want] of [['cpuSeconds', 0.6], ['cpuSecPerHour', 36], ['cpuPercent', 1], ['selfCpuSecPerHour', 18]] as const) expect(fp[key]).toBeCloseTo(want, 9);
  });
});

describe('zabbix protocol', () => {
  it('frames a request with the ZBXD header and decodes answers, partial ones and ZBX_NOTSUPPORTED', () => {
    const req = encodeZabbix('system.cpu.util');
    expect(req.subarray(0, 5)).toEqual(Buffer.from([0x5a, 0x42, 0x58, 0x44, 0x01]));
    expect(req.readUInt32LE(5)).toBe(15);
    expect(req.subarray(13).toString()).toBe('system.cpu.util');
    const answer = encodeZabbix('12.5');
    expect(decodeZabbix(answer)).toEqual({ ok: true, value: '12.5' });
    expect(decodeZabbix(answer.subarray(0, answer.length - 1))).toBeUndefined();
    expect(decodeZabbix(encodeZabbix('ZBX_NOTSUPPORTED\0Unknown metric foo'))).toEqual({ ok: false, error: 'Unknown metric foo' });
    expect(() => decodeZabbix(Buffer.from('HTTP/1.1 400 Bad Request\r\n'))).toThrow(/not a Zabbix answer/);
  });
});

describe('report', () => {
  const result = {
    title: 'Footprint',
    parameters: { durationSec: 300 },
    columns: [
      { key: 'cpu', label: 'CPU', unit: 's/h', digits: 1, compare: true },
      { key: 'rss', label: 'peak RSS', unit: 'MB', digits: 1 },
    ],
    rows: [
      { name: 'agent', role: 'subject', values: { cpu: 12, rss: 45 } },
      { name: 'zabbix', role: 'reference', values: { cpu: 8, rss: 21 } },
      { name: 'exporter', role: 'reference', values: { cpu: 0, rss: 19 } },
    ],
    targets: [
      { label: 'CPU vs zabbix', row: 'agent', key: 'cpu', per: 'zabbix', op: '<=', value: 2 },
      { label: 'RSS', row: 'agent', key: 'rss', op: '<=', value: 40 },
      { label: 'CPU vs exporter', row: 'agent', key: 'cpu', per: 'exporter', op: '<=', value: 2 },
    ],
    notes: ['canned'],
  };

  it('computes ratios against every reference and judges targets (a zero reference cannot be divided by)', () => {
    expect(ratios(result)).toEqual([
      { key: 'cpu', label: 'CPU: agent / zabbix', subject: 'agent', reference: 'zabbix', value: 1.5 },
      { key: 'cpu', label: 'CPU: agent / exporter', subject: 'agent', reference: 'exporter', value: null },
    ]);
    expect(evaluateTargets(result).map((t: { measured: number | null; pass: boolean | null }) => [t.measured, t.pass])).toEqual([
      [1.5, true],
      [45, false],
      [null, null],
    ]);
  });

  it('writes markdown and JSON named after the benchmark and date, never over an earlier run', () => {
    const dir = tmp();
    const report = buildReport('agent-footprint', result, { date: '2026-11-28T08:00:00Z', cpus: 2, commit: 'abc1234' });
    const date = new Date('2026-11-28T08:00:00Z');
    const first = writeReport(dir, report, { date });
    const second = writeReport(dir, report, { date, label: 'after' });
    const third = writeReport(dir, report, { date });
    expect(path.basename(first.markdown)).toBe('agent-footprint-2026-11-28.md');
    expect(path.basename(second.json)).toBe('agent-footprint-2026-11-28-after.json');
    expect(path.basename(third.json)).toBe('agent-footprint-2026-11-28-2.json');
    const md = readFileSync(first.markdown, 'utf8');
    expect(md).toContain('| **agent** | 12.0 | 45.0 |');
    expect(md).toContain('| CPU: agent / zabbix | 1.50× |');
    expect(md).toContain('| RSS (<= 40) | 45.00 | MISSED |');
    expect(md).toContain('- canned');
    expect(JSON.parse(readFileSync(first.json, 'utf8'))).toMatchObject({ benchmark: 'agent-footprint', ratios: [{ value: 1.5 }, { value: null }], environment: { commit: 'abc1234' } });
    expect(renderMarkdown(report)).toBe(md);
  });
});

describe('runner', () => {
  it('discovers benchmark folders holding a run.mjs and splits its own options from the benchmark\'s', () => {
    const dir = tmp();
    for (const name of ['collector-ingest', 'agent-footprint', 'lib', 'results']) mkdirSync(path.join(dir, name));
    writeFileSync(path.join(dir, 'agent-footprint', 'run.mjs'), '');
    writeFileSync(path.join(dir, 'collector-ingest', 'run.mjs'), '');
    expect(discover(dir).map((b: { name: string }) => b.name)).toEqual(['agent-footprint', 'collector-ingest']);
    expect(splitArgs(['agent-footprint', '--quick', '--label', 'after', '--no-build', '--duration=2m'], ['agent-footprint'])).toEqual({
      names: ['agent-footprint'],
      runner: { list: false, build: false, write: true, label: 'after' },
      rest: ['--quick', '--duration=2m'],
    });
    expect(() => splitArgs(['--label=a b'], [])).toThrow(/--label/);
  });
});

describe('agent footprint helpers', () => {
  it('reads durations and options; --quick shortens the run', () => {
    expect([parseSeconds('300'), parseSeconds('5m'), parseSeconds('90s'), parseSeconds('1.5h')]).toEqual([300, 300, 90, 5400]);
    expect(() => parseSeconds('five', 'duration')).toThrow(/--duration/);
    // By default the agent runs with the options its executables embed.
    expect(parseOptions([])).toMatchObject({ durationSec: 300, warmupSec: 60, intervalSec: 15, quick: false, nodeFlags: [...AGENT_NODE_FLAGS] });
    expect(parseOptions(['--node-flags='])).toMatchObject({ nodeFlags: [] });
    expect(parseOptions(['--quick', '--node-flags=--max-semi-space-size=1 --single-threaded-gc'])).toMatchObject({ durationSec: 60, warmupSec: 15, nodeFlags: ['--max-semi-space-size=1', '--single-threaded-gc'] });
  });

  it('adapts the shipped default policy to loopback targets of this run', () => {
    const root = path.resolve(import.meta.dirname, '..');
    const policy = benchPolicy(root, { collectorPort: 40123, intervalSec: 15, backupDir: '/tmp/b' });
    expect(policy).toContain('url: http://127.0.0.1:40123/healthz');
    expect(policy).toContain('paths: ["/tmp/b"]');
    expect(policy).toMatch(/address: 127\.0\.0\.1/);
  });

  it('finds the interface of the default route', () => {
    const route = 'Iface\tDestination\tGateway\tFlags\nlo\t0000007F\t00000000\t0001\neth0\t00000000\t0102A8C0\t0003\n';
    expect(defaultInterface(route)).toBe('eth0');
    expect(defaultInterface('Iface\tDestination\n')).toBe('lo');
  });

  it('summarises a CPU profile by function and origin, without idle time', () => {
    const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 9, columnNumber: 0, scriptId: '1' });
    const profile = {
      nodes: [
        { id: 1, callFrame: frame('(root)', '') },
        { id: 2, callFrame: frame('(idle)', '') },
        { id: 3, callFrame: frame('currentLoad', 'file:///w/node_modules/.pnpm/systeminformation@5.33.0/node_modules/systeminformation/lib/cpu.js') },
        { id: 4, callFrame: frame('collect', 'file:///w/agent/dist/probes/cpu.js') },
        { id: 5, callFrame: frame('(garbage collector)', '') },
      ],
      samples: [2, 3, 3, 4, 5, 2],
      timeDeltas: [0, 1000, 3000, 1000, 2000, 4000],
      startTime: 0,
      endTime: 12_000,
    };
    const s = summarizeProfile(profile);
    expect(s.busyMs).toBe(10);
    expect(s.origins.map((o: { name: string; ms: number }) => [o.name, o.ms])).toEqual([
      ['systeminformation', 4],
      ['(garbage collector)', 4],
      ['agent/dist/probes/cpu.js', 2],
    ]);
    expect(s.functions[0]).toMatchObject({ name: 'currentLoad systeminformation:10', percent: 40 });
    expect(originOf('node:internal/fs/promises', 'open')).toBe('node:internal');
  });
});
