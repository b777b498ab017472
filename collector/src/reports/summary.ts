import { checkLabel, duration, hours, median, pct, plural } from './format.js';
import type { SiteReport } from './types.js';
import { describeRange } from './zoned.js';

/**
 * The opening paragraph for managers: how ready the site's machines were, where the lost time
 * went, how fast IT answered, and what needs attention.
 */
export function summarize(r: SiteReport): string {
  const where = r.description ? `${r.description} (${r.site})` : r.site;
  const range = describeRange(r.from, r.to, r.timeZone);
  const machines = plural(r.hosts.length, 'machine');
  if (r.hosts.length === 0) return `Over ${range}, no machines at ${where} were monitored.`;
  if (r.readyPct === null) return `Over ${range}, the ${machines} at ${where} were not in use during business hours (${r.businessHours}), so there is no readiness to report.`;
  const sentences = [`Over ${range}, the ${machines} at ${where} were ready for use ${pct(r.readyPct)} of business hours (${r.businessHours}).`];

  const lost = r.totals.notReady + r.totals.offline;
  const top = r.causes[0];
  if (lost > 0 && top) {
    const second = r.causes[1];
    sentences.push(
      `Most lost time came from ${checkLabel(top.check)} (${hours(top.businessMs)} h on ${plural(top.hosts, 'machine')}, e.g. “${top.example}”)` +
        (second ? `, then ${checkLabel(second.check)} (${hours(second.businessMs)} h).` : '.'),
    );
  } else {
    sentences.push('No business hours were lost to machines that were not ready.');
  }

  if (r.incidents.length > 0) {
    const inHours = r.incidents.filter((i) => i.businessMs > 0).length;
    const tta = median(r.incidents.flatMap((i) => (i.timeToAcknowledgeMs === null ? [] : [i.timeToAcknowledgeMs])));
    const ttr = median(r.incidents.flatMap((i) => (i.timeToResolveMs === null ? [] : [i.timeToResolveMs])));
    const answers = [tta !== null ? `acknowledged in ${duration(tta)}` : null, ttr !== null ? `resolved in ${duration(ttr)}` : null].filter(Boolean);
    sentences.push(`There were ${plural(r.incidents.length, 'incident')} (${inHours} during business hours)${answers.length ? `; half were ${answers.join(' and ')} or less` : ''}.`);
  } else {
    sentences.push('There were no incidents.');
  }

  if (r.repeated.length > 0) sentences.push(`Failing repeatedly: ${r.repeated.slice(0, 5).map((h) => `${h.hostname} (${h.incidents} incidents)`).join(', ')}.`);
  if (r.hardware.length > 0) {
    const n = (kind: string) => new Set(r.hardware.filter((h) => h.kind === kind).map((h) => h.hostId)).size;
    const parts = [
      n('battery') ? plural(n('battery'), 'worn battery', 'worn batteries') : null,
      n('disk_health') ? plural(n('disk_health'), 'machine') + ' with disk health problems' : null,
      n('disk_space') ? plural(n('disk_space'), 'machine') + ' with nearly full disks' : null,
      n('temperature') ? plural(n('temperature'), 'machine') + ' running hot' : null,
    ].filter(Boolean);
    sentences.push(`Hardware at risk: ${parts.join(', ')}.`);
  }
  return sentences.join(' ');
}
