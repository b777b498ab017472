import type { Alert } from './types.js';

/** Sites with a pending or firing site-wide outage alert, and that alert's id. */
export function siteOutages(open: Iterable<Alert>): Map<string, string> {
  const out = new Map<string, string>();
  for (const a of open) {
    if (a.rule === 'site_outage' && a.labels.site !== undefined && (a.state === 'pending' || a.state === 'firing')) out.set(a.labels.site, a.id);
  }
  return out;
}

/**
 * Alertmanager-style inhibition: while a site-wide outage alert is pending or firing, the
 * per-host offline alerts of that site are not notified (one page for the site, not fifty).
 * Returns the id of the inhibiting alert.
 */
export function inhibitedBy(alert: Alert, outages: ReadonlyMap<string, string>): string | null {
  if (alert.rule !== 'host_offline' || alert.labels.site === undefined) return null;
  return outages.get(alert.labels.site) ?? null;
}
