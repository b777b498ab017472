import { metricSchema } from '@siaga/shared';
import { describe, expect, it } from 'vitest';
import { spoolMetric } from './metric.js';

describe('spoolMetric', () => {
  it('is a valid siaga_agent_spool sample with degraded as 1/0', () => {
    const sample = spoolMetric({ queued: 3, bytes: 8416, dropped: 2, corrupt: 1, degraded: true });
    expect(metricSchema.parse(sample)).toEqual({ m: 'siaga_agent_spool', fields: { queued: 3, bytes: 8416, dropped: 2, corrupt: 1, degraded: 1 } });
    expect(spoolMetric({ queued: 0, bytes: 0, dropped: 0, corrupt: 0, degraded: false }).fields.degraded).toBe(0);
  });
});
