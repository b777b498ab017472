import type { Notification } from './types.js';

/** A small firing notification for delivery tests. */
export function sampleNotification(id: string, overrides: Partial<Notification> = {}): Notification {
  const now = Date.now();
  return {
    id,
    groupKey: `site=hq/rule=disk_free/${id}`,
    status: 'firing',
    receiver: 'L1 helpdesk',
    groupLabels: { alertname: 'disk_free', site: 'hq' },
    alerts: [
      {
        id: `alert-${id}`,
        status: 'firing',
        labels: { alertname: 'disk_free', host: 'h-014', hostname: 'WS-014', site: 'hq', severity: 'warning' },
        annotations: { summary: 'Disk space low', description: 'Disk C: 3% free (needs 10%)' },
        startsAt: now - 60_000,
        endsAt: null,
      },
    ],
    acknowledgeUrl: 'http://127.0.0.1:8080/ack/abc',
    boardUrl: 'http://127.0.0.1:8080/',
    timestamp: now,
    ...overrides,
  };
}
