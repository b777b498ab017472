import { type ChildProcess, spawn } from 'node:child_process';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeContext, scriptedRunner } from '../testing/probe-context.testutil.js';
import { parsePs, parseTasklistCsv } from './process.list.js';
import { parseProcStat, type ProcWatcher } from './process.linux.js';
import { nameMatcher } from './process.match.js';
import { processProbe } from './process.js';

const config = (over: Record<string, unknown>) => processProbe.configSchema.parse(over);

describe('process listing parsers', () => {
  it('parses /proc/<pid>/stat even when the name holds spaces and parentheses', () => {
    const line = '4242 (Web Content (x)) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 30 0 123456 1000000 2500 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0';
    expect(parseProcStat(line)).toEqual({ comm: 'Web Content (x)', cpuTicks: 300, startTicks: 123456, rssPages: 2500 });
    expect(parseProcStat('garbage')).toBeUndefined();
  });

  it('parses macOS ps output, names with spaces included', () => {
    const text = '    1  13728   0.0 /sbin/launchd\n  612 245760  12.5 /Applications/Microsoft Outlook.app/Contents/MacOS/Microsoft Outlook\n';
    expect(parsePs(text)).toEqual([
      { pid: 1, rssBytes: 13728 * 1024, cpuPercent: 0, name: '/sbin/launchd' },
      { pid: 612, rssBytes: 245760 * 1024, cpuPercent: 12.5, name: '/Applications/Microsoft Outlook.app/Contents/MacOS/Microsoft Outlook' },
    ]);
  });

  it('parses tasklist CSV whatever the locale writes in the memory column', () => {
    const text = [
      '"System Idle Process","0","Services","0","8 K"',
      '"OUTLOOK.EXE","7312","Console","1","245.760 K"', // German
      '"OUTLOOK.EXE","7400","Console","1","1\u00a0024 Ko"', // French, no-break space
      '"a,b.exe","12","Console","1","1,024 K"', // English, a comma inside quotes
      'INFO: No tasks are running which match the specified criteria.',
    ].join('\r\n');
    expect(parseTasklistCsv(text)).toEqual([
      { pid: 0, name: 'System Idle Process', rssBytes: 8 * 1024 },
      { pid: 7312, name: 'OUTLOOK.EXE', rssBytes: 245760 * 1024 },
      { pid: 7400, name: 'OUTLOOK.EXE', rssBytes: 1024 * 1024 },
      { pid: 12, name: 'a,b.exe', rssBytes: 1024 * 1024 },
    ]);
  });

  it('matches names the way each OS names programs', () => {
    expect(nameMatcher('win32')('outlook', 'OUTLOOK.EXE')).toBe(true);
    expect(nameMatcher('win32')('OUTLOOK.EXE', 'outlook.exe')).toBe(true);
    expect(nameMatcher('darwin')('microsoft outlook', '/Applications/Microsoft Outlook.app/Contents/MacOS/Microsoft Outlook')).toBe(true);
    expect(nameMatcher('linux')('sshd', 'SSHD')).toBe(false);
  });

  it('refuses paths, wildcards and shell characters in the configuration', () => {
    for (const bad of ['/usr/bin/x', 'a;b', '$(reboot)', 'chrome*', '..\\x.exe', '-rf', '']) {
      const result = processProbe.configSchema.safeParse({ names: [bad] });
      expect(result.success, bad).toBe(false);
    }
    expect(processProbe.configSchema.safeParse({ names: ['x', 'x'] }).success).toBe(false);
    expect(config({ names: ['OUTLOOK.EXE', 'Microsoft Teams', '1cv8.exe'] }).names).toHaveLength(3);
  });
});

describe('process probe on macOS and Windows (one listing per run)', () => {
  it('sums instances from one tasklist call', async () => {
    const run = scriptedRunner({ 'tasklist /fo csv /nh': '"OUTLOOK.EXE","1","Console","1","100 K"\r\n"outlook.exe","2","Console","1","50 K"\r\n' });
    const metrics = await processProbe.collect(probeContext({ platform: 'win32', run }), config({ names: ['outlook', 'teams.exe'] }));
    expect(metrics).toEqual([
      { m: 'procstat', tags: { process: 'outlook' }, fields: { running: 1, count: 2, memory_rss: 150 * 1024 } },
      { m: 'procstat', tags: { process: 'teams.exe' }, fields: { running: 0, count: 0 } },
    ]);
    expect(run.calls).toHaveLength(1);
  });

  it('reports cpu from ps on macOS, and a reason when the listing fails', async () => {
    const run = scriptedRunner({ 'ps -axo pid=,rss=,%cpu=,comm=': '  612 2048  12.5 /Applications/Slack.app/Contents/MacOS/Slack\n  613 1024   1.5 /Applications/Slack.app/Contents/MacOS/Slack\n' });
    const metrics = await processProbe.collect(probeContext({ platform: 'darwin', run }), config({ names: ['Slack'] }));
    expect(metrics).toEqual([{ m: 'procstat', tags: { process: 'Slack' }, fields: { running: 1, count: 2, memory_rss: 3072 * 1024, cpu_percent: 14 } }]);
    await expect(processProbe.collect(probeContext({ platform: 'win32', run: scriptedRunner({}) }), config({ names: ['x'] }))).rejects.toThrow('tasklist.exe not found');
  });

  it('does nothing without configured names', async () => {
    const run = scriptedRunner({});
    expect(await processProbe.collect(probeContext({ platform: 'darwin', run }), config({}))).toEqual([]);
    expect(run.calls).toHaveLength(0);
  });
});

describe.skipIf(process.platform !== 'linux')('process probe on Linux, with real processes', () => {
  let dir: string;
  const children: ChildProcess[] = [];
  const short = `sgt${process.pid % 100000}`;
  const long = `siaga-test-program-${process.pid}`;
  const busy = `sgb${process.pid % 100000}`;

  const start = (program: string, args: string[]) => {
    const child = spawn(path.join(dir, program), args, { stdio: 'ignore' });
    children.push(child);
    return child;
  };
  const stop = async (child: ChildProcess) => {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'siaga-proc-'));
    await copyFile('/bin/sleep', path.join(dir, short));
    await copyFile('/bin/sleep', path.join(dir, long));
    await copyFile('/bin/sh', path.join(dir, busy));
  });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  it('finds a spawned program, follows it without rescanning, and notices when it is gone', async () => {
    const a = start(short, ['300']);
    const b = start(short, ['300']);
    await sleep(100);
    const clock = { t: Date.now() };
    const ctx = probeContext({ platform: 'linux', clock });
    const cfg = config({ names: [short, 'siaga-surely-not-running'] });

    const first = await processProbe.collect(ctx, cfg);
    expect(first[0]).toMatchObject({ tags: { process: short }, fields: { running: 1, count: 2 } });
    expect(first[0]?.fields.memory_rss).toBeGreaterThan(0);
    expect(first[1]).toEqual({ m: 'procstat', tags: { process: 'siaga-surely-not-running' }, fields: { running: 0, count: 0 } });
    const watcher = ctx.memo.get('watcher') as ProcWatcher;
    expect(watcher.fullScans).toBe(1);

    // Within the missing-program interval, repeated runs only re-read the tracked PIDs.
    clock.t += 1000;
    const second = await processProbe.collect(ctx, cfg);
    expect(second[0]?.fields).toMatchObject({ running: 1, count: 2 });
    expect(second[0]?.fields.cpu_percent).toBeGreaterThanOrEqual(0); // present from the second run on
    expect(watcher.fullScans).toBe(1);

    await stop(a);
    clock.t += 1000;
    expect((await processProbe.collect(ctx, cfg))[0]?.fields).toMatchObject({ running: 1, count: 1 });
    expect(watcher.fullScans).toBe(2);

    await stop(b);
    clock.t += 1000;
    expect((await processProbe.collect(ctx, cfg))[0]?.fields).toEqual({ running: 0, count: 0 });
  });

  it('notices a program that starts later at the next missing-program look', async () => {
    const clock = { t: Date.now() };
    const ctx = probeContext({ platform: 'linux', clock });
    const cfg = config({ names: [short], missingRescanSec: 5 });
    expect((await processProbe.collect(ctx, cfg))[0]?.fields.running).toBe(0);
    const c = start(short, ['300']);
    await sleep(100);
    clock.t += 1000;
    expect((await processProbe.collect(ctx, cfg))[0]?.fields.running).toBe(0); // not looked again yet
    clock.t += 5000;
    expect((await processProbe.collect(ctx, cfg))[0]?.fields.running).toBe(1);
    await stop(c);
  });

  it('matches names longer than the 15 characters the kernel keeps', async () => {
    const c = start(long, ['300']);
    await sleep(100);
    const ctx = probeContext({ platform: 'linux' });
    const metrics = await processProbe.collect(ctx, config({ names: [long, long.slice(0, 15)] }));
    expect(metrics.map((m) => m.fields.count)).toEqual([1, 0]);
    await stop(c);
  });

  it('measures the CPU a busy program uses between two runs', async () => {
    const c = start(busy, ['-c', 'while :; do :; done']);
    await sleep(100);
    const clock = { t: Date.now() };
    const ctx = probeContext({ platform: 'linux', clock });
    const cfg = config({ names: [busy] });
    await processProbe.collect(ctx, cfg);
    await sleep(1000);
    clock.t = Date.now();
    const [metric] = await processProbe.collect(ctx, cfg);
    await stop(c);
    expect(metric?.fields.cpu_percent).toBeGreaterThan(0);
    expect(metric?.fields.cpu_percent).toBeLessThanOrEqual(100 * os.availableParallelism() + 5);
  });
});
