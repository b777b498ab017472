import { writeFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../harness/ports.js';
import { type LoggedProcess, type RunningCollector, startAgent, startCollector } from '../harness/processes.js';
import { tempDir } from '../harness/tmp.js';
import { userToken } from '../harness/auth.js';
import { alertsOf, ENROLL_SECRET, getJson, hostWithVerdict, sleep, TestProgram, webhookSecret } from './fixtures.js';
import { WebhookReceiver } from './webhook-receiver.js';

/**
 * A real collector, a real agent whose `processes` check watches four programs the test starts
 * and kills, and a real webhook receiver with one path per support tier. Each scenario uses its
 * own program, so each is its own alert (no flapping across scenarios).
 */
describe('alerts end to end: for, L1 → L2 → L3 escalation, acknowledgement', () => {
  const tmp = tempDir('alerts-escalation');
  const secret = webhookSecret();
  const receiver = new WebhookReceiver();
  const programs = ['sgp_blip', 'sgp_esc', 'sgp_api', 'sgp_link'].map((n) => new TestProgram(tmp.dir, n));
  const [blip, esc, viaApi, viaLink] = programs as [TestProgram, TestProgram, TestProgram, TestProgram];
  let collector: RunningCollector;
  let agent: LoggedProcess;
  let hostId: string;

  beforeAll(async () => {
    const base = await receiver.start();
    programs.forEach((p) => p.start());
    const policyFile = path.join(tmp.dir, 'policy.yaml');
    writeFileSync(
      policyFile,
      YAML.stringify({
        defaults: { interval: 2, watchInterval: 1, freshness: 20 },
        sites: { hq: { timezone: 'UTC' } },
        policies: [{ name: 'office', checks: { processes: { items: programs.map((p) => ({ name: p.name })) } } }],
      }),
    );
    const receivers = ['helpdesk', 'technicians', 'specialists'].map((name) => ({ name, url: `${base}/${name}`, secret, timeoutMs: 5_000 }));
    collector = await startCollector(tmp.dir, {
      enroll: { secrets: [ENROLL_SECRET] },
      policyFile,
      notify: { receivers, allowNetworks: ['127.0.0.0/8'], retry: { baseDelayMs: 100, maxDelayMs: 300 } },
      alerts: {
        rules: { host_not_ready: { for: 6 } },
        grouping: { groupWait: 1, groupInterval: 1, repeatInterval: 3600 },
        escalation: {
          policies: {
            default: {
              tiers: [
                { name: 'L1 helpdesk', receivers: ['helpdesk'], after: 0 },
                { name: 'L2 technicians', receivers: ['technicians'], after: 5 },
                { name: 'L3 specialists', receivers: ['specialists'], after: 10 },
              ],
            },
          },
        },
      },
    });
    agent = startAgent(tmp.dir, 'ws-e2e-01', {
      collector: { url: collector.url, enrollSecret: ENROLL_SECRET },
      labels: { site: 'hq', group: 'finance', tags: [] },
      intervalSec: 2,
      // Find a restarted program within a second.
      probes: { process: { missingRescanSec: 1 } },
    });
    hostId = await hostWithVerdict(collector.url, 'ws-e2e-01', 'ready');
  });

  afterAll(async () => {
    await agent?.stop();
    await collector?.stop();
    await Promise.all(programs.map((p) => p.kill()));
    await receiver.stop();
    tmp.remove();
  });

  const alertFor = (program: TestProgram, state: string) =>
    waitFor(async () => (await alertsOf(collector.url, `?host=${hostId}&state=${state}`)).find((a) => a.labels.instance === program.name), `${program.name} alert ${state}`);

  const resolveAndWait = async (program: TestProgram, tiers: string[]) => {
    const before = tiers.map((t) => receiver.delivered(`/${t}`).length);
    program.start();
    await alertFor(program, 'resolved');
    await waitFor(() => (tiers.every((t, i) => receiver.delivered(`/${t}`).length > before[i]!) ? true : undefined), `resolved notifications to ${tiers.join(', ')}`);
    for (const t of tiers) expect(receiver.delivered(`/${t}`).at(-1)!.payload.status).toBe('resolved');
  };

  it('one bad sample pages nobody (the rule’s `for` was not reached)', async () => {
    // Down for about two seconds: seen by the agent's one-second watch, shorter than `for` (6 s).
    await blip.kill();
    await sleep(2_000);
    blip.start();
    const cleared = await alertFor(blip, 'resolved');
    expect(cleared.firedAt).toBeNull();
    const { events } = await getJson<{ events: Array<{ type: string }> }>(`${collector.url}/v1/alerts/${cleared.id}`);
    expect(events.map((e) => e.type)).toEqual(['pending', 'cleared']);
    await sleep(3_000);
    expect(receiver.received).toEqual([]);
  });

  it('a real failure pages L1 once with the reason (through 5 failed attempts), then L2 and L3 while nobody acknowledges', async () => {
    // The helpdesk receiver fails five times before it accepts.
    receiver.answer = (p, n) => (p === '/helpdesk' && n < 5 ? 500 : 200);
    await esc.kill();
    await waitFor(() => (receiver.delivered('/specialists').length === 1 ? true : undefined), 'L3 to be paged', 30_000);
    receiver.answer = () => 200;

    const l1 = receiver.at('/helpdesk');
    expect(l1.map((r) => r.answer)).toEqual([500, 500, 500, 500, 500, 200]);
    expect(new Set(l1.map((r) => r.webhookId)).size).toBe(1);
    const [page] = receiver.delivered('/helpdesk');
    expect(page!.payload).toMatchObject({ status: 'firing', receiver: 'L1 helpdesk', groupKey: 'site=hq/rule=host_not_ready', groupLabels: { alertname: 'host_not_ready', site: 'hq' } });
    expect(page!.payload.alerts).toHaveLength(1);
    expect(page!.payload.alerts[0]!.labels).toMatchObject({ alertname: 'host_not_ready', host: hostId, hostname: 'ws-e2e-01', site: 'hq', group: 'finance', check: 'process', instance: 'sgp_esc' });
    expect(page!.payload.alerts[0]!.annotations.description).toBe('sgp_esc is not running');

    const [l2] = receiver.delivered('/technicians');
    const [l3] = receiver.delivered('/specialists');
    expect(receiver.delivered('/technicians')).toHaveLength(1);
    expect(l2!.payload.receiver).toBe('L2 technicians');
    expect(l3!.payload.receiver).toBe('L3 specialists');
    // Tiers are paged no sooner than their delays after the first page.
    expect(l2!.receivedAt - l1[0]!.receivedAt).toBeGreaterThanOrEqual(4_000);
    expect(l3!.receivedAt - l1[0]!.receivedAt).toBeGreaterThanOrEqual(9_000);

    const firing = await alertFor(esc, 'firing');
    const detail = await getJson<{ events: Array<{ type: string; detail: Record<string, unknown> }>; deliveries: Array<{ receiver: string; attempts: number; status: string }> }>(`${collector.url}/v1/alerts/${firing.id}`);
    expect(detail.events.map((e) => e.type)).toEqual(['pending', 'fired', 'notified', 'escalated', 'escalated']);
    expect(detail.events[2]!.detail).toMatchObject({ tier: 'L1 helpdesk', deliveries: [page!.webhookId] });
    expect(detail.deliveries.find((d) => d.receiver === 'helpdesk')).toMatchObject({ attempts: 6, status: 'delivered' });

    await resolveAndWait(esc, ['helpdesk', 'technicians', 'specialists']);
  });

  it('an acknowledgement through the API stops escalation', async () => {
    const l1Before = receiver.delivered('/helpdesk').length;
    const l2Before = receiver.delivered('/technicians').length;
    await viaApi.kill();
    await waitFor(() => (receiver.delivered('/helpdesk').length > l1Before ? true : undefined), 'L1 page');
    const alert = await alertFor(viaApi, 'firing');
    // The acknowledger is whoever is signed in: Ana, an operator at the helpdesk.
    const ana = await userToken(collector.url, 'ana', 'operator');
    const res = await fetch(`${collector.url}/v1/alerts/${alert.id}/ack`, { method: 'POST', headers: { authorization: `Bearer ${ana}`, 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { acknowledgedBy: string }).acknowledgedBy).toBe('ana');
    // L1 hears who took it; L2's delay passes without a page.
    await waitFor(() => (receiver.delivered('/helpdesk').at(-1)!.payload.commonAnnotations.acknowledged_by === 'ana' ? true : undefined), 'acknowledged notice to L1');
    await sleep(7_000);
    expect(receiver.delivered('/technicians')).toHaveLength(l2Before);
    const { events } = await getJson<{ events: Array<{ type: string; at: number; detail: Record<string, unknown> }> }>(`${collector.url}/v1/hosts/${hostId}/alert-events`);
    expect(events.find((e) => e.type === 'acknowledged')?.detail).toEqual({ by: 'ana', via: 'api' });
    await resolveAndWait(viaApi, ['helpdesk']);
  });

  it('an acknowledgement through the signed link in the notification stops escalation', async () => {
    const l1Before = receiver.delivered('/helpdesk').length;
    const l2Before = receiver.delivered('/technicians').length;
    await viaLink.kill();
    await waitFor(() => (receiver.delivered('/helpdesk').length > l1Before ? true : undefined), 'L1 page');
    const link = receiver.delivered('/helpdesk').at(-1)!.payload.commonAnnotations.acknowledge_url!;
    expect(link.startsWith(`${collector.url}/v1/ack/`)).toBe(true);

    const tampered = await fetch(link.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')));
    expect(tampered.status).toBe(403);
    const confirm = await fetch(link);
    expect(confirm.status).toBe(200);
    const html = await confirm.text();
    expect(html).toContain('sgp_link is not running');
    expect(html).toContain('<form method="post">');
    // Opening the link acknowledges nothing (mail scanners follow links).
    expect((await alertFor(viaLink, 'firing')).acknowledgedBy).toBeNull();

    const done = await fetch(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'by=Budi' });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('acknowledged by Budi');
    expect((await alertFor(viaLink, 'firing')).acknowledgedBy).toBe('Budi');
    await sleep(7_000);
    expect(receiver.delivered('/technicians')).toHaveLength(l2Before);
    const { events } = await getJson<{ events: Array<{ type: string; detail: Record<string, unknown> }> }>(`${collector.url}/v1/hosts/${hostId}/alert-events`);
    expect(events.find((e) => e.type === 'acknowledged' && e.detail.by === 'Budi')?.detail).toEqual({ by: 'Budi', via: 'link (L1 helpdesk)' });
    await resolveAndWait(viaLink, ['helpdesk']);
  });

  it('every delivery carried a Standard Webhooks signature that the independent verifier accepts', () => {
    expect(receiver.verifyAll(secret)).toBeGreaterThan(10);
  });
});
