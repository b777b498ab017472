import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, hostByName, waitForVerdict } from './harness/api.js';
import { waitFor } from './harness/ports.js';
import { type LoggedProcess, type RunningCollector, startAgent, startCollector } from './harness/processes.js';
import { tempDir } from './harness/tmp.js';

const SECRET = 'readiness-test-secret-0001';
const isRoot = process.getuid?.() === 0;
const HOST = 'ws-ready';
const PROCESS = 'siaga-dummy';

/** A volume we can fill: a 4 MiB tmpfs (configured mounts are reported whatever their type). */
function mountTmpfs(dir: string): void {
  mkdirSync(dir, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'siaga-test', dir]);
}

describe.skipIf(!isRoot)('readiness end to end (real collector and agent)', () => {
  const tmp = tempDir('readiness');
  const volume = path.join(tmp.dir, 'volume');
  const policyFile = path.join(tmp.dir, 'policy.yaml');
  let collector: RunningCollector;
  let agent: LoggedProcess;
  let dummy: ChildProcess | undefined;
  const measured: Record<string, number> = {};

  const policy = (minFree: number) => ({
    defaults: { interval: '2s', watchInterval: '1s', freshness: '6s' },
    policies: [
      {
        name: 'test',
        checks: {
          disk: { mounts: [volume], minFreePercent: { fail: minFree } },
          processes: { items: [{ name: PROCESS }] },
        },
      },
    ],
  });

  const startDummy = () => {
    dummy = spawn(path.join(tmp.dir, PROCESS), ['3600'], { stdio: 'ignore' });
  };

  beforeAll(async () => {
    mountTmpfs(volume);
    symlinkSync('/bin/sleep', path.join(tmp.dir, PROCESS));
    startDummy();
    writeFileSync(policyFile, YAML.stringify(policy(50)));
    collector = await startCollector(tmp.dir, { enroll: { secrets: [SECRET] }, policyFile });
    agent = startAgent(tmp.dir, HOST, { collector: { url: collector.url, enrollSecret: SECRET } });
    await waitForVerdict(collector.url, HOST, 'ready', 30_000);
  });

  afterAll(async () => {
    dummy?.kill('SIGKILL');
    await agent?.stop();
    await collector?.stop();
    try {
      execFileSync('umount', [volume]);
    } catch {
      // already gone
    }
    tmp.remove();
    if (Object.keys(measured).length > 0) console.log(`readiness latency (change → verdict, ms): ${JSON.stringify(measured)}`);
  });

  /** Time from `changedAt` to the collector's verdict change, on the collector's clock. */
  const latency = (h: { verdictSince: number | null }, changedAt: number) => (h.verdictSince as number) - changedAt;

  it('turns not_ready with the reason when a volume fills past its threshold, and ready when it is freed', async () => {
    const filler = path.join(volume, 'filler');
    const changedAt = Date.now();
    writeFileSync(filler, Buffer.alloc(3 * 1024 * 1024));
    const down = await waitForVerdict(collector.url, HOST, 'not_ready');
    expect(down.reasons).toEqual([expect.objectContaining({ check: 'disk_space', instance: volume, status: 'fail', reason: expect.stringMatching(new RegExp(`^Disk ${volume}: \\d+% free \\(needs 50%\\)$`)) })]);
    measured.diskFull = latency(down, changedAt);
    expect(measured.diskFull).toBeLessThanOrEqual(2_000);

    const freedAt = Date.now();
    unlinkSync(filler);
    const up = await waitForVerdict(collector.url, HOST, 'ready');
    measured.diskFreed = latency(up, freedAt);
    expect(up.reasons).toEqual([]);
  });

  it('turns not_ready when a required program stops, and ready when it runs again', async () => {
    const killedAt = Date.now();
    dummy?.kill('SIGKILL');
    const down = await waitForVerdict(collector.url, HOST, 'not_ready');
    expect(down.reasons).toEqual([expect.objectContaining({ check: 'process', instance: PROCESS, reason: `${PROCESS} is not running` })]);
    measured.processKilled = latency(down, killedAt);
    expect(measured.processKilled).toBeLessThanOrEqual(2_000);

    startDummy();
    await waitForVerdict(collector.url, HOST, 'ready');
  });

  it('keeps the verdict timeline with reasons', async () => {
    const h = await hostByName(collector.url, HOST);
    const { history } = await getJson<{ history: Array<{ verdict: string; reasons: Array<{ check: string }> }> }>(`${collector.url}/v1/hosts/${h?.id}/history`);
    const verdicts = history.map((e) => e.verdict).reverse();
    expect(verdicts.slice(-5)).toEqual(['ready', 'not_ready', 'ready', 'not_ready', 'ready']);
    expect(history.find((e) => e.verdict === 'not_ready')?.reasons[0]?.check).toBe('process');
    const summary = await getJson<{ total: Record<string, number> }>(`${collector.url}/v1/fleet/summary`);
    expect(summary.total.ready).toBe(1);
  });

  it('"check again" runs every check now and answers with the fresh verdict', async () => {
    const h = await hostByName(collector.url, HOST);
    const before = h?.lastSeq ?? 0;
    const res = await collector.api(`/v1/hosts/${h?.id}/recheck`, { method: 'POST' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { verdict: string; lastSeq: number };
    expect(body.verdict).toBe('ready');
    const after = await waitFor(async () => {
      const now = await hostByName(collector.url, HOST);
      return now && now.lastSeq > before ? now : undefined;
    }, 'a recheck report');
    expect(after.lastSeq).toBeGreaterThan(before);
    const missing = await collector.api('/v1/hosts/00000000-0000-4000-8000-000000000000/recheck', { method: 'POST' });
    expect(missing.status).toBe(404);
  });

  it('pushes a policy edit to the connected agent without reconnecting; refuses an invalid edit and keeps the previous policy', async () => {
    const connectsBefore = agent.lines.filter((l) => l.msg === 'policy applied').length;
    writeFileSync(policyFile, YAML.stringify(policy(1)));
    // 1% is always met by the 4 MiB volume, even with a 3 MiB file: prove the new threshold is used.
    writeFileSync(path.join(volume, 'filler'), Buffer.alloc(3 * 1024 * 1024));
    await waitFor(() => (agent.lines.filter((l) => l.msg === 'policy applied').length > connectsBefore ? true : undefined), 'the agent to apply the edited policy');
    await new Promise((r) => setTimeout(r, 2_500));
    expect((await hostByName(collector.url, HOST))?.verdict).toBe('ready');
    expect(collector.lines.filter((l) => l.msg === 'agent connected')).toHaveLength(1);

    writeFileSync(policyFile, 'policies:\n  - name: test\n    checks:\n      disk: { minFreePercent: 10 }\n');
    const refused = await collector.waitForLog('policy change refused; the previous policy stays in force');
    expect(String(refused.err)).toContain('policies[0].checks.disk.minFreePercent');
    const status = await getJson<{ lastError: { path: string } | null; policies: string[] }>(`${collector.url}/v1/policy`);
    expect(status.lastError?.path).toBe('policies[0].checks.disk.minFreePercent');
    unlinkSync(path.join(volume, 'filler'));
    expect((await hostByName(collector.url, HOST))?.verdict).toBe('ready');
  });

  it('goes offline when reports stop (measured on the collector clock), and offline (expected) after a clean shutdown', async () => {
    // A frozen agent keeps its socket but sends nothing: only the freshness limit can tell.
    agent.child.kill('SIGSTOP');
    const stoppedAt = Date.now();
    const offline = await waitForVerdict(collector.url, HOST, 'offline', 20_000);
    expect(offline.expected).toBe(false);
    expect(offline.reasons[0]?.reason).toMatch(/^No report for \d+ s \(limit 6 s\)/);
    expect(Date.now() - stoppedAt).toBeLessThan(6_000 + 15_000);
    agent.child.kill('SIGCONT');
    await waitForVerdict(collector.url, HOST, 'ready', 20_000);

    await agent.stop('SIGTERM');
    const gone = await waitForVerdict(collector.url, HOST, 'offline', 10_000, (h) => h.expected);
    expect(gone.reasons[0]?.reason).toMatch(/^Agent signed off \(shutdown\)/);
  });
});
