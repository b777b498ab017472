import { writeFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../harness/ports.js';
import { type RunningCollector, startCollector } from '../harness/processes.js';
import { RawAgent } from '../harness/raw-agent.js';
import { tempDir } from '../harness/tmp.js';
import { alertsOf, ENROLL_SECRET, sleep, webhookSecret } from './fixtures.js';
import { WebhookReceiver } from './webhook-receiver.js';

const FLEET = 50;

/**
 * Fifty machines failing together. Fifty agent processes would swamp a two-core machine, so
 * these are RawAgents: each enrolls over HTTP and speaks the real protocol over its own real
 * WebSocket to a real collector process, reporting the check results an agent would.
 */
describe('alerts end to end: a fleet failing together pages once', () => {
  const tmp = tempDir('alerts-fleet');
  const secret = webhookSecret();
  const receiver = new WebhookReceiver();
  const agents: RawAgent[] = [];
  let collector: RunningCollector;
  const seq = new Map<RawAgent, number>();
  const policyVersion = new Map<RawAgent, string>();

  const passing = [{ name: 'process', instance: 'erp', status: 'pass', reason: 'erp is running (1)' }];
  const failing = [{ name: 'process', instance: 'erp', status: 'fail', reason: 'erp is not running' }];
  let checks: unknown[] = passing;
  // Like real agents, the fleet reports on its interval (every second here) until it goes away.
  let heartbeat: NodeJS.Timeout | undefined;

  const report = (a: RawAgent, checks: unknown[]) => {
    const n = (seq.get(a) ?? 0) + 1;
    seq.set(a, n);
    a.report(n, { checks, policyVersion: policyVersion.get(a), metrics: [{ m: 'siaga_agent_spool', fields: { queued: 0, dropped: 0, corrupt: 0, degraded: 0 } }] });
  };

  beforeAll(async () => {
    const base = await receiver.start();
    const policyFile = path.join(tmp.dir, 'policy.yaml');
    writeFileSync(policyFile, YAML.stringify({ defaults: { interval: 2, freshness: 4 }, sites: { branch: { timezone: 'Asia/Jakarta' } } }));
    collector = await startCollector(tmp.dir, {
      enroll: { secrets: [ENROLL_SECRET] },
      gateway: { enrollRate: { perSecond: 200, burst: 200 } },
      policyFile,
      notify: { receivers: [{ name: 'helpdesk', url: `${base}/helpdesk`, secret }], allowNetworks: ['127.0.0.0/8'] },
      alerts: {
        rules: { host_not_ready: { for: 0 } },
        startupGrace: 0,
        grouping: { groupWait: 2, groupInterval: 2, repeatInterval: 3600 },
        escalation: { policies: { default: { tiers: [{ name: 'L1 helpdesk', receivers: ['helpdesk'] }] } } },
      },
    });
    for (let i = 0; i < FLEET; i++) {
      const a = new RawAgent(collector.url, `br-${String(i).padStart(3, '0')}`);
      const res = await a.enroll(ENROLL_SECRET);
      expect(res.status).toBe(200);
      agents.push(a);
    }
    await Promise.all(
      agents.map(async (a) => {
        await a.connect();
        a.send({ v: 1, type: 'hello', agentVersion: 'test', host: { id: a.agentId, hostname: a.hostname }, os: { platform: 'linux', distro: 'Debian', release: '12', arch: 'x64' }, labels: { site: 'branch', tags: [] }, lastAckedSeq: 0, sentAt: Date.now() });
        const welcome = await a.next((f) => f.type === 'welcome');
        policyVersion.set(a, (welcome.policy as { version: string }).version);
        report(a, checks);
      }),
    );
    heartbeat = setInterval(() => agents.forEach((a) => report(a, checks)), 1_000);
    await waitFor(async () => {
      const body = (await (await collector.api('/v1/fleet/summary')).json()) as { sites: Record<string, { ready: number }> };
      return body.sites.branch?.ready === FLEET ? true : undefined;
    }, 'the fleet to be ready');
  });

  afterAll(async () => {
    clearInterval(heartbeat);
    agents.forEach((a) => a.ws?.terminate());
    await collector?.stop();
    await receiver.stop();
    tmp.remove();
  });

  it('50 machines whose ERP client stops together give one notification listing all 50', async () => {
    checks = failing;
    for (const a of agents) report(a, checks);
    await waitFor(() => (receiver.delivered('/helpdesk').length > 0 ? true : undefined), 'a page');
    // Longer than group wait and group interval: nothing follows.
    await sleep(5_000);
    const pages = receiver.delivered('/helpdesk');
    expect(pages).toHaveLength(1);
    expect(pages[0]!.payload).toMatchObject({ status: 'firing', groupKey: 'site=branch/rule=host_not_ready', groupLabels: { alertname: 'host_not_ready', site: 'branch' } });
    expect(pages[0]!.payload.alerts.map((a) => a.labels.hostname).sort()).toEqual(agents.map((a) => a.hostname).sort());
    expect(pages[0]!.payload.commonAnnotations.description).toBe('erp is not running');
    expect((await alertsOf(collector.url, '?state=firing')).filter((a) => a.rule === 'host_not_ready')).toHaveLength(FLEET);
  });

  it('the whole site going offline gives one site-wide page; per-host offline alerts exist but are inhibited', async () => {
    const before = receiver.delivered('/helpdesk').length;
    clearInterval(heartbeat);
    agents.forEach((a) => a.ws.terminate());
    const site = await waitFor(async () => (await alertsOf(collector.url, '?state=firing')).find((a) => a.rule === 'site_outage'), 'the site alert', 20_000);
    expect(site.labels).toMatchObject({ alertname: 'site_outage', site: 'branch', severity: 'critical' });
    expect(site.reason).toMatch(/^50 of 50 machines at site branch are offline/);
    await waitFor(() => (receiver.delivered('/helpdesk').length > before ? true : undefined), 'the site page');
    await sleep(5_000);
    const pages = receiver.delivered('/helpdesk').slice(before);
    expect(pages.map((p) => p.payload.groupKey)).toEqual(['site=branch/rule=site_outage']);
    const offline = (await alertsOf(collector.url, '?state=firing')).filter((a) => a.rule === 'host_offline');
    expect(offline).toHaveLength(FLEET);
    expect(offline.every((a) => a.suppressedBy === `inhibited:${site.id}`)).toBe(true);
  });

  it('signs every delivery so that the independent verifier accepts it', () => {
    expect(receiver.verifyAll(secret)).toBe(2);
  });
});
