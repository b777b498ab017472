import { describe, expect, it } from 'vitest';
import { parseCollectorConfig } from '../config.js';

const notify = { receivers: [{ name: 'helpdesk', url: 'https://hooks.example.com/a' }, { name: 'techs', url: 'https://hooks.example.com/b' }] };
const error = (raw: unknown) => {
  try {
    parseCollectorConfig(raw);
  } catch (err) {
    return err as Error & { path?: string; code?: string };
  }
  throw new Error('expected the config to be refused');
};

describe('alerts config', () => {
  it('has working defaults: alerts kept, nobody paged without receivers', () => {
    const c = parseCollectorConfig({ dataDir: '/tmp/x' });
    expect(c.alerts).toMatchObject({ enabled: true, clearAfter: 2, flap: { window: 21, enterPercent: 20, leavePercent: 5 }, grouping: { groupWait: 30, groupInterval: 300, repeatInterval: 14_400 } });
    expect(c.alerts.rules.clock_skew).toMatchObject({ threshold: 120, clearAfter: 1 });
    expect(c.alerts.escalation.policies.default?.tiers[0]?.receivers).toEqual([]);
  });

  it('accepts durations with units and routes to named policies', () => {
    const c = parseCollectorConfig({
      dataDir: '/tmp/x',
      notify,
      alerts: {
        escalation: {
          policies: { office: { tiers: [{ name: 'L1 helpdesk', receivers: ['helpdesk'] }, { name: 'L2 technicians', receivers: ['techs'], after: '15m' }] } },
          routes: [{ match: { site: 'hq', severity: 'critical' }, policy: 'office' }],
          default: 'office',
        },
      },
    });
    expect(c.alerts.escalation.policies.office?.tiers[1]?.after).toBe(900);
  });

  it('names the exact field of an unknown receiver', () => {
    const e = error({ dataDir: '/tmp/x', notify, alerts: { escalation: { policies: { default: { tiers: [{ name: 'L1', receivers: ['helpdesk'] }, { name: 'L2', receivers: ['techs', 'nobody'], after: 60 }] } } } } });
    expect(e.code).toBe('SIAGA_ERR_INVALID_CONFIG');
    expect(e.message).toContain('alerts.escalation.policies.default.tiers[1].receivers[1]: unknown receiver nobody');
  });

  it('refuses tiers out of order, unknown route policies and bad flap limits, naming the field', () => {
    expect(error({ dataDir: '/tmp/x', notify, alerts: { escalation: { policies: { default: { tiers: [{ name: 'L1', receivers: ['helpdesk'], after: 60 }, { name: 'L2', receivers: ['techs'], after: 60 }] } } } } }).message).toContain(
      'alerts.escalation.policies.default.tiers[1].after: must be later than tier L1',
    );
    expect(error({ dataDir: '/tmp/x', alerts: { escalation: { routes: [{ policy: 'nope' }] } } }).message).toContain('alerts.escalation.routes[0].policy: no escalation policy named nope');
    expect(error({ dataDir: '/tmp/x', alerts: { flap: { enterPercent: 5, leavePercent: 10 } } }).message).toContain('alerts.flap.leavePercent: must be below enterPercent');
    expect(error({ dataDir: '/tmp/x', alerts: { rules: { host_offline: { for: 'soon' } } } }).message).toContain('alerts.rules.host_offline.for');
    expect(error({ dataDir: '/tmp/x', publicUrl: 'ftp://x' }).message).toContain('publicUrl');
  });
});
