import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, type HostView } from '../harness/api.js';
import { waitFor } from '../harness/ports.js';
import { COLLECTOR_CLI, type LoggedProcess, type RunningCollector, startAgent, startCollector } from '../harness/processes.js';
import { LoopbackProxy } from '../harness/tcp-proxy.js';
import { tempDir } from '../harness/tmp.js';

type Host = HostView & { revoked: boolean };

describe('revoking a host and its enroll secret', () => {
  const tmp = tempDir('revocation');
  let collector: RunningCollector;
  let proxy: LoopbackProxy;
  let agent: LoggedProcess;

  const cli = (...args: string[]) => {
    const r = spawnSync(process.execPath, [COLLECTOR_CLI, ...args, '--config', collector.configFile, '--json'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`siaga-collector ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
    return JSON.parse(r.stdout) as Record<string, unknown>;
  };
  const agentLogs = (msg: string) => agent.lines.filter((l) => String(l.msg).includes(msg));
  const connectedHost = (hostname: string, not?: string) =>
    waitFor(async () => {
      const { hosts } = await getJson<{ hosts: Host[] }>(`${collector.url}/v1/hosts`);
      return hosts.find((x) => x.hostname === hostname && x.connected && x.id !== not);
    }, `${hostname} connected`, 30_000);

  beforeAll(async () => {
    collector = await startCollector(tmp.dir, { gateway: { revocationCheckMs: 1_000 } });
    proxy = new LoopbackProxy(collector.port);
    const proxied = await proxy.start();
    const secret = cli('secrets', 'create').secret as string;
    agent = startAgent(tmp.dir, 'pc-revoked', { collector: { url: proxied, enrollSecret: secret, revokedBackoffSec: 3 }, intervalSec: 5 });
  });
  afterAll(async () => {
    await agent?.stop();
    await proxy?.stop();
    await collector?.stop();
    tmp.remove();
  });

  it('closes the socket of a host revoked from the CLI with 4401 within 5 s; the agent pauses, then enrolls as a new host', async () => {
    const first = await connectedHost('pc-revoked');
    const revokedAt = Date.now();
    const out = cli('hosts', 'revoke', first.id);
    expect(out.changed).toBe(true);
    const closing = await waitFor(() => collector.lines.find((l) => l.msg === 'host revoked: closing its connection (4401)' && l.host === first.id), 'the collector to close the revoked host', 15_000);
    expect(Number(closing.time) - revokedAt).toBeLessThan(5_000);
    console.log(`revocation: CLI revoke to 4401 close took ${Number(closing.time) - revokedAt} ms`);
    const closed = await agent.waitForLog(/\(4401\)/, 15_000);
    const closedAt = Number(closed.time);
    const plan = await agent.waitForLog('reconnecting later', 15_000);
    expect(Number(plan.delayMs)).toBeGreaterThanOrEqual(3_000);

    // The pause holds: no connection attempt for the next 2.5 s.
    await new Promise((r) => setTimeout(r, 2_500));
    expect(proxy.countSince(closedAt)).toBe(0);

    const second = await connectedHost('pc-revoked', first.id);
    expect(second.id).not.toBe(first.id);
    // One enrollment request and one upgrade, nothing more.
    expect(proxy.countSince(closedAt)).toBe(2);
    const old = await getJson<Host>(`${collector.url}/v1/hosts/${first.id}`);
    expect(old.revoked).toBe(true);
    const events = await getJson<{ events: Array<{ kind: string; detail: { via: string } }> }>(`${collector.url}/v1/hosts/${first.id}/events`);
    expect(events.events.map((e) => [e.kind, e.detail.via])).toContainEqual(['revoked', 'cli']);
  });

  it('with the enroll secret revoked too, an API revocation leaves the agent locked out and quiet (no reconnect flood)', async () => {
    const current = await connectedHost('pc-revoked');
    const { secrets } = cli('secrets', 'list') as { secrets: Array<{ id: string; revokedAt: number | null }> };
    for (const s of secrets.filter((x) => x.revokedAt === null)) cli('secrets', 'revoke', s.id);
    const mark = agent.lines.length;
    const revokedAt = Date.now();
    const res = await collector.api(`/v1/hosts/${current.id}/revoke`, { method: 'POST' });
    expect(res.status).toBe(200);
    const closing = await waitFor(() => collector.lines.find((l) => l.msg === 'host revoked: closing its connection (4401)' && l.host === current.id), 'the collector to close the revoked host', 15_000);
    expect(Number(closing.time) - revokedAt).toBeLessThan(5_000);
    const closed = await waitFor(() => agent.lines.slice(mark).find((l) => /\(4401\)/.test(String(l.msg))), '4401 in the agent log', 15_000);
    const closedAt = Number(closed.time);

    await new Promise((r) => setTimeout(r, 10_000));
    // 3 s pause, then enrollment refused with a growing backoff: a handful of attempts at most.
    const attempts = proxy.countSince(closedAt);
    expect(attempts).toBeGreaterThanOrEqual(1);
    expect(attempts).toBeLessThanOrEqual(4);
    expect(agent.lines.slice(mark).filter((l) => l.msg === 'enrollment refused').length).toBeGreaterThanOrEqual(1);
    const { hosts } = await getJson<{ hosts: Host[] }>(`${collector.url}/v1/hosts`);
    expect(hosts.filter((h) => h.hostname === 'pc-revoked' && !h.revoked)).toEqual([]);
    expect(agentLogs('uncaught')).toEqual([]);
  });
});
