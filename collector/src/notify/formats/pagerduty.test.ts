import { describe, expect, it } from 'vitest';
import { acknowledged, firing, golden, outage, resolved } from './fixtures.testutil.js';
import { renderBody } from './index.js';
import { pagerdutyEvent } from './pagerduty.js';

const options = { maxAlerts: 0, routingKey: 'R0UT1NGKEY0000000000000000000000' };

describe('pagerduty events v2 format', () => {
  it.each([
    ['pagerduty-trigger', firing, 0],
    ['pagerduty-acknowledge', acknowledged, 0],
    ['pagerduty-resolve', resolved, 0],
    ['pagerduty-outage', outage, 3],
  ] as const)('renders %s like the golden file', (name, notification, maxAlerts) => {
    expect(JSON.parse(renderBody('pagerduty', notification, { ...options, maxAlerts }))).toEqual(golden(name));
  });

  it('maps the group status to the event action, all on one dedup key', () => {
    const events = [firing, acknowledged, resolved].map((n) => pagerdutyEvent(n, options));
    expect(events.map((e) => e.event_action)).toEqual(['trigger', 'acknowledge', 'resolve']);
    expect(new Set(events.map((e) => e.dedup_key))).toEqual(new Set([firing.groupKey]));
  });

  it('triggers with the highest firing severity, the reason and the acknowledge link', () => {
    const event = pagerdutyEvent(firing, options);
    expect(event.payload?.severity).toBe('critical');
    expect(event.payload?.summary).toContain('Disk C: 3% free (needs 10%) (+1 more)');
    expect(event.payload?.custom_details.acknowledge_url).toBe(firing.acknowledgeUrl);
    expect(event.links?.[0]).toEqual({ href: firing.acknowledgeUrl, text: 'Acknowledge in siaga' });
  });

  it('hashes group keys longer than PagerDuty allows and clips the summary', () => {
    const long = { ...firing, groupKey: 'k'.repeat(400), alerts: [{ ...firing.alerts[0]!, annotations: { summary: 's', description: 'd'.repeat(3_000) } }] };
    const event = pagerdutyEvent(long, options);
    expect(event.dedup_key.length).toBeLessThanOrEqual(255);
    expect(event.dedup_key).toBe(pagerdutyEvent(long, options).dedup_key);
    expect(event.payload?.summary.length).toBeLessThanOrEqual(1_024);
  });

  it('refuses to render without a routing key', () => {
    expect(() => pagerdutyEvent(firing, { maxAlerts: 0 })).toThrow(/routing key/);
  });
});
