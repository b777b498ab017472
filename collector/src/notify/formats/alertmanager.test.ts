import { describe, expect, it } from 'vitest';
import { alertmanagerPayload } from './alertmanager.js';
import { acknowledged, firing, golden, outage, resolved } from './fixtures.testutil.js';
import { fingerprint } from './fingerprint.js';
import { renderBody } from './index.js';

const all = { maxAlerts: 0 };

describe('alertmanager webhook format', () => {
  it.each([
    ['alertmanager-firing', firing, 0],
    ['alertmanager-resolved', resolved, 0],
    ['alertmanager-truncated', outage, 3],
  ] as const)('renders %s like the golden file', (name, notification, maxAlerts) => {
    expect(JSON.parse(renderBody('alertmanager', notification, { maxAlerts }))).toEqual(golden(name));
  });

  it('computes fingerprints exactly like Prometheus (values from prometheus/common signature_test.go)', () => {
    expect(BigInt(`0x${fingerprint({})}`)).toBe(14695981039346656037n);
    expect(BigInt(`0x${fingerprint({ name: 'garland, briggs', fear: 'love is not enough' })}`)).toBe(5799056148416392346n);
    expect(BigInt(`0x${fingerprint({ 'first-label': 'first-label-value', 'second-label': 'second-label-value' })}`)).toBe(3195800080984914717n);
  });

  it('keeps version 4, counts truncated alerts and computes common labels over the whole group', () => {
    const body = alertmanagerPayload(outage, { maxAlerts: 3 });
    expect(body.version).toBe('4');
    expect(body.alerts).toHaveLength(3);
    expect(body.truncatedAlerts).toBe(outage.alerts.length - 3);
    expect(body.commonLabels).toEqual({ alertname: 'host_offline', site: 'branch-2', severity: 'critical' });
  });

  it('leaves out labels that differ between alerts from commonLabels', () => {
    const body = alertmanagerPayload(firing, all);
    expect(body.commonLabels).not.toHaveProperty('severity');
    expect(body.commonLabels).not.toHaveProperty('hostname');
    expect(body.commonAnnotations).not.toHaveProperty('description');
  });

  it('carries the acknowledge link, the reason and who acknowledged', () => {
    const body = alertmanagerPayload(acknowledged, all);
    expect(body.commonAnnotations.acknowledge_url).toBe(acknowledged.acknowledgeUrl);
    expect(body.commonAnnotations.acknowledged_by).toBe('rina');
    expect(body.alerts.map((a) => a.annotations.description)).toEqual(['Disk C: 3% free (needs 10%)', 'Disk C: 1% free (needs 10%)']);
    expect(body.alerts.every((a) => a.annotations.acknowledge_url === acknowledged.acknowledgeUrl)).toBe(true);
  });

  it('marks firing alerts with the zero end time and resolved ones with their end', () => {
    expect(alertmanagerPayload(firing, all).alerts[0]?.endsAt).toBe('0001-01-01T00:00:00Z');
    expect(alertmanagerPayload(resolved, all).alerts[0]?.endsAt).toBe(new Date(resolved.alerts[0]!.endsAt!).toISOString());
  });
});
