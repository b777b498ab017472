import type { Alert } from './types.js';

/**
 * Alertmanager-style inhibition: while a site-wide outage alert is pending or firing, the
 * per-host offline alerts of that site are not notified (one page for the site, not fifty).
 * Returns the id of the inhibiting alert.
 */
export function inhibitedBy(alert: Alert, open: Iterable<Alert>): string | null {
  if (alert.rule !== 'host_offline') return null;
  const site = alert.labels.site;
  if (site === undefined) return null;
  for (const other of open) {
    if (other.rule === 'site_outage' && other.labels.site === site && (other.state === 'pending' || other.state === 'firing')) return other.id;
  }
  return null;
}
