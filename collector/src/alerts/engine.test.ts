import { afterEach, describe, expect, it } from 'vitest';
import { verifyAck } from './ack-token.js';
import { Harness, sampleOf, testConfig } from './engine.testutil.js';

let h: Harness;
afterEach(() => h?.close());

const tierNames = () => h.sent.map((s) => s.notification.receiver);

describe('alert engine', () => {
  it('pages L1 once with the reason after group wait, records the repair record, and escalates to L2 and L3', () => {
    h = new Harness();
    h.engine.sample([sampleOf(1, true, { check: 'disk_space' })]);
    h.advance(4_000);
    expect(h.sent).toHaveLength(0);
    h.advance(1_000);
    expect(h.sent).toHaveLength(1);
    const [first] = h.sent;
    expect(first!.receivers).toEqual(['helpdesk']);
    expect(first!.notification).toMatchObject({ status: 'firing', receiver: 'L1 helpdesk', groupKey: 'site=hq/rule=host_not_ready', groupLabels: { alertname: 'host_not_ready', site: 'hq' } });
    expect(first!.notification.alerts[0]!.annotations.description).toBe('Disk C: 3% free (needs 10%)');
    expect(first!.notification.acknowledgeUrl).toMatch(/^http:\/\/collector\.test:8080\/v1\/ack\/[\w-]+\.[\w-]+$/);

    h.advance(10_000);
    expect(tierNames()).toEqual(['L1 helpdesk', 'L2 technicians']);
    h.advance(50_000);
    expect(tierNames()).toEqual(['L1 helpdesk', 'L2 technicians', 'L3 specialists']);
    expect(h.sent[2]!.receivers).toEqual(['specialists']);

    const id = first!.notification.alerts[0]!.id;
    const types = h.store.eventsOfAlert(id).map((e) => e.type);
    expect(types).toEqual(['pending', 'fired', 'notified', 'escalated', 'escalated']);
    const notified = h.store.eventsOfAlert(id)[2]!;
    expect(notified.detail).toMatchObject({ tier: 'L1 helpdesk', deliveries: ['msg_1'] });
    expect(h.store.eventsOfHost('h1', 0, h.clock, 100)).toHaveLength(5);
  });

  it('a single bad sample under `for` pages nobody and leaves a cleared record', () => {
    h = new Harness();
    h.engine.sample([sampleOf(1, true, { forMs: 10_000 })]);
    h.advance(3_000);
    h.engine.sample([sampleOf(1, false, { forMs: 10_000 })]);
    h.advance(120_000, 5_000);
    expect(h.sent).toHaveLength(0);
    const [alert] = h.store.listAlerts({ limit: 10 });
    expect(alert).toMatchObject({ state: 'resolved', firedAt: null, closed: true });
  });

  it('groups 50 hosts failing together into one notification', () => {
    h = new Harness();
    h.engine.sample(Array.from({ length: 50 }, (_, i) => sampleOf(i, true)));
    h.advance(1_000);
    h.engine.sample(Array.from({ length: 50 }, (_, i) => sampleOf(i + 50, true, { site: 'branch' })).slice(0, 3));
    h.advance(8_000);
    expect(h.sent).toHaveLength(2);
    const hq = h.sent.find((s) => s.notification.groupKey === 'site=hq/rule=host_not_ready')!;
    expect(hq.notification.alerts).toHaveLength(50);
  });

  it('an acknowledgement stops escalation, tells the tiers paged so far, and is recorded', () => {
    h = new Harness();
    h.engine.sample([sampleOf(1, true), sampleOf(2, true)]);
    h.advance(5_000);
    const [a1, a2] = h.sent[0]!.notification.alerts;
    h.engine.acknowledge(a1!.id, 'Ana', 'api');
    h.advance(20_000);
    expect(tierNames()).toEqual(['L1 helpdesk', 'L2 technicians']);
    h.engine.acknowledge(a2!.id, 'Budi', 'api');
    expect(h.sent.at(-1)!.notification).toMatchObject({ acknowledgedBy: 'Budi', receiver: 'L2 technicians' });
    const before = h.sent.length;
    h.advance(600_000, 10_000);
    expect(h.sent).toHaveLength(before);
    expect(h.engine.group('site=hq/rule=host_not_ready')).toMatchObject({ ackedBy: 'Budi', tier: 1 });
    expect(h.store.eventsOfAlert(a1!.id).find((e) => e.type === 'acknowledged')?.detail).toEqual({ by: 'Ana', via: 'api' });
  });

  it('acknowledges a whole group from its signed link', () => {
    h = new Harness();
    h.engine.sample([sampleOf(1, true), sampleOf(2, true)]);
    h.advance(5_000);
    const url = h.sent[0]!.notification.acknowledgeUrl;
    const token = url.slice(url.lastIndexOf('/') + 1);
    // The harness signs with its own key; the claim names the group and the tier.
    expect(verifyAck(Buffer.alloc(32), token, h.clock)).toEqual({ ok: false, reason: 'bad_signature' });
    const acked = h.engine.acknowledgeGroup('site=hq/rule=host_not_ready', 'L1 helpdesk', 'link');
    expect(acked.map((a) => a.ackedBy)).toEqual(['L1 helpdesk', 'L1 helpdesk']);
    h.advance(120_000, 5_000);
    expect(tierNames()).toEqual(['L1 helpdesk', 'L1 helpdesk']);
  });

  it('announces a resolution after hysteresis and closes the episode', () => {
    h = new Harness();
    h.engine.sample([sampleOf(1, true)]);
    h.advance(5_000);
    h.engine.sample([sampleOf(1, false)]);
    h.advance(30_000);
    // One healthy evaluation is not enough (clearAfter 2): it escalated meanwhile.
    expect(h.sent).toHaveLength(2);
    h.engine.sample([sampleOf(1, false)]);
    h.advance(30_000);
    expect(h.sent.map((s) => [s.notification.status, s.notification.receiver])).toEqual([
      ['firing', 'L1 helpdesk'],
      ['firing', 'L2 technicians'],
      ['resolved', 'L1 helpdesk'],
      ['resolved', 'L2 technicians'],
    ]);
    expect(h.engine.openAlerts()).toEqual([]);
    expect(h.engine.group('site=hq/rule=host_not_ready')).toBeUndefined();
  });

  it('never re-sends after a restart and keeps escalating where it was', () => {
    h = new Harness();
    h.engine.sample([sampleOf(1, true)]);
    h.advance(5_000);
    expect(h.sent).toHaveLength(1);
    h.restart();
    h.engine.sample([sampleOf(1, true)]);
    h.advance(9_000);
    expect(h.sent).toHaveLength(1);
    h.advance(1_000);
    expect(tierNames()).toEqual(['L1 helpdesk', 'L2 technicians']);
  });

  it('keeps silenced and maintenance alerts without notifying, and records why', () => {
    h = new Harness();
    h.silences.create({ matchers: [{ name: 'hostname', op: '=~', value: 'WS-00[12]' }], startsAt: h.clock, endsAt: h.clock + 60_000, createdBy: 'Ana', comment: 'reimaging' }, h.clock);
    h.maintenance.set('h3', { until: h.clock + 60_000, by: 'Budi', comment: 'new disk' }, h.clock);
    h.engine.sample([sampleOf(1, true), sampleOf(2, true), sampleOf(3, true)]);
    h.advance(30_000);
    expect(h.sent).toHaveLength(0);
    expect(h.engine.counters()).toMatchObject({ firing: 3, suppressed: 3 });
    const [a1] = h.store.listAlerts({ hostId: 'h1', limit: 1 });
    expect(h.store.eventsOfAlert(a1!.id).map((e) => e.type)).toEqual(['pending', 'fired', 'silenced']);
    const [a3] = h.store.listAlerts({ hostId: 'h3', limit: 1 });
    expect(h.store.eventsOfAlert(a3!.id).map((e) => e.type)).toEqual(['pending', 'fired', 'maintenance']);
    // Both end: the alerts still fire, now they page.
    h.advance(31_000);
    expect(tierNames()).toEqual(['L1 helpdesk']);
    expect(h.sent[0]!.notification.alerts).toHaveLength(3);
  });

  it('a site outage alert inhibits the per-host offline alerts of that site', () => {
    h = new Harness();
    const offline = Array.from({ length: 10 }, (_, i) => sampleOf(i, true, { rule: 'host_offline', reason: 'No report for 50 s' }));
    h.engine.sample([...offline, { ...sampleOf(0, true, { rule: 'site_outage', reason: '10 of 20 offline' }), key: 'site:hq/site_outage//', hostId: 'site:hq', labels: { alertname: 'site_outage', site: 'hq', severity: 'critical' } }]);
    h.engine.sample([sampleOf(99, true, { rule: 'host_offline', site: 'branch' })]);
    h.advance(10_000);
    expect(h.sent.map((s) => s.notification.groupKey).sort()).toEqual(['site=branch/rule=host_offline', 'site=hq/rule=site_outage']);
    const [a0] = h.store.listAlerts({ hostId: 'h0', limit: 1 });
    expect(h.store.eventsOfAlert(a0!.id).at(-1)).toMatchObject({ type: 'inhibited' });
  });

  it('sends one flapping notice, then stays quiet until the condition settles', () => {
    h = new Harness(testConfig({ clearAfter: 1, grouping: { groupWait: 0, groupInterval: 1, repeatInterval: 300 } }));
    for (let i = 0; i < 12; i++) {
      h.engine.sample([sampleOf(1, i % 2 === 0)]);
      h.advance(2_000);
    }
    const notices = h.sent.filter((s) => s.notification.alerts[0]!.annotations.summary.startsWith('Flapping'));
    expect(notices).toHaveLength(1);
    expect(notices[0]!.notification.alerts[0]!.annotations.description).toMatch(/changed state in \d+ % of the last \d+ evaluations/);
    const afterNotice = h.sent.length;
    for (let i = 0; i < 6; i++) {
      h.engine.sample([sampleOf(1, i % 2 === 0)]);
      h.advance(2_000);
    }
    expect(h.sent).toHaveLength(afterNotice);
    expect(h.engine.counters().flapping).toBe(1);
  });
});
