import type { Metric } from '@siaga/shared';
import type { SpoolStats } from './types.js';

/** The spool's state as the `siaga_agent_spool` sample carried by every report. */
export function spoolMetric(stats: SpoolStats): Metric {
  return {
    m: 'siaga_agent_spool',
    fields: { queued: stats.queued, bytes: stats.bytes, dropped: stats.dropped, corrupt: stats.corrupt, degraded: stats.degraded ? 1 : 0 },
  };
}
