import { writeFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, waitFor } from '../harness/ports.js';
import { type LoggedProcess, type RunningCollector, startAgent, startCollector } from '../harness/processes.js';
import { tempDir } from '../harness/tmp.js';
import { alertsOf, ENROLL_SECRET, getJson, hostWithVerdict, sleep, TestProgram, webhookSecret } from './fixtures.js';
import { WebhookReceiver } from './webhook-receiver.js';

/**
 * The collector is killed with SIGKILL while it retries a page, stays down longer than the
 * freshness limit, and starts again on the same data: the page is delivered once with its
 * original webhook-id, nothing is sent twice, and no machine is paged as offline.
 */
describe('alerts end to end: kill -9 and restart of the collector', () => {
  const tmp = tempDir('alerts-restart');
  const secret = webhookSecret();
  const receiver = new WebhookReceiver();
  const program = new TestProgram(tmp.dir, 'sgp_down');
  const collectors: RunningCollector[] = [];
  let config: Record<string, unknown>;
  let agent: LoggedProcess;
  let hostId: string;

  beforeAll(async () => {
    const base = await receiver.start();
    program.start();
    const policyFile = path.join(tmp.dir, 'policy.yaml');
    writeFileSync(
      policyFile,
      YAML.stringify({ defaults: { interval: 2, watchInterval: 1, freshness: 4 }, sites: { hq: { timezone: 'UTC' } }, policies: [{ name: 'office', checks: { processes: { items: [{ name: program.name }] } } }] }),
    );
    config = {
      listen: { host: '127.0.0.1', port: await freePort() },
      enroll: { secrets: [ENROLL_SECRET] },
      policyFile,
      notify: { receivers: [{ name: 'helpdesk', url: `${base}/helpdesk`, secret }], allowNetworks: ['127.0.0.0/8'], retry: { baseDelayMs: 200, maxDelayMs: 400 } },
      alerts: {
        rules: { host_not_ready: { for: 0 } },
        // Longer than the agent's reconnect backoff can reach while the collector is down (full
        // jitter, ceilings 1, 2, 4, 8, 16 s: up to ~31 s after the kill), so a host that comes back
        // on its own never counts as offline.
        startupGrace: 30,
        grouping: { groupWait: 1, groupInterval: 1, repeatInterval: 3600 },
        escalation: { policies: { default: { tiers: [{ name: 'L1 helpdesk', receivers: ['helpdesk'] }] } } },
      },
    };
    collectors.push(await startCollector(tmp.dir, config, { name: 'collector-1' }));
    agent = startAgent(tmp.dir, 'ws-restart', { collector: { url: collectors[0]!.url, enrollSecret: ENROLL_SECRET }, labels: { site: 'hq', tags: [] }, intervalSec: 2, probes: { process: { missingRescanSec: 1 } } });
    hostId = await hostWithVerdict(collectors[0]!.url, 'ws-restart', 'ready');
  });

  afterAll(async () => {
    await agent?.stop();
    await Promise.all(collectors.map((c) => c.stop()));
    await program.kill();
    await receiver.stop();
    tmp.remove();
  });

  it('delivers the page it was retrying when killed, once, with the original webhook-id', { timeout: 90_000 }, async () => {
    const first = collectors[0]!;
    receiver.answer = () => 500;
    await program.kill();
    await waitFor(() => (receiver.at('/helpdesk').length >= 3 ? true : undefined), 'three failed attempts');
    first.child.kill('SIGKILL');
    await first.exited;
    const webhookId = receiver.at('/helpdesk')[0]!.webhookId;

    receiver.answer = () => 200;
    // Down longer than the freshness limit: every machine's last report is now "too old".
    await sleep(6_000);
    const second = await startCollector(tmp.dir, config, { name: 'collector-2' });
    collectors.push(second);
    const restartedAt = Date.now();
    await waitFor(() => (receiver.delivered('/helpdesk').length > 0 ? true : undefined), 'the page to be delivered');
    expect(second.lines.find((l) => l.msg === 'resuming pending webhook deliveries')?.pending).toBe(1);
    expect(new Set(receiver.at('/helpdesk').map((r) => r.webhookId))).toEqual(new Set([webhookId]));
    expect(receiver.delivered('/helpdesk')[0]!.payload.alerts[0]!.annotations.description).toBe('sgp_down is not running');

    // The agent reconnects; its machine is still not ready (the program is down), never offline.
    await hostWithVerdict(second.url, 'ws-restart', 'not_ready', 30_000);
    // Past the start-up grace (freshness 4 s + 30 s) and then some.
    await sleep(Math.max(0, restartedAt + 37_000 - Date.now()));
    expect(receiver.delivered('/helpdesk')).toHaveLength(1);
    expect(new Set(receiver.received.map((r) => r.webhookId)).size).toBe(1);
    const alerts = await alertsOf(second.url, `?host=${hostId}`);
    expect(alerts.filter((a) => a.rule === 'host_offline')).toEqual([]);
    const firing = alerts.filter((a) => a.state === 'firing');
    expect(firing.map((a) => a.labels.instance)).toEqual(['sgp_down']);
    const { events } = await getJson<{ events: Array<{ type: string }> }>(`${second.url}/v1/alerts/${firing[0]!.id}`);
    expect(events.map((e) => e.type)).toEqual(['pending', 'fired', 'notified']);
  });

  it('signs every attempt so that the independent verifier accepts it', () => {
    expect(receiver.verifyAll(secret)).toBeGreaterThanOrEqual(4);
  });
});
