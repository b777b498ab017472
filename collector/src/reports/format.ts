/** Numbers as a report prints them. */

export const pct = (x: number | null, digits = 1): string => (x === null ? '–' : `${(x * 100).toFixed(digits)} %`);

export const hours = (ms: number): string => (ms / 3_600_000).toFixed(1);

/** "8 min", "2.5 h", "3.1 days". */
export function duration(ms: number | null): string {
  if (ms === null) return 'ongoing';
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 5_400_000) return `${Math.round(ms / 60_000)} min`;
  if (ms < 2 * 86_400_000) return `${(ms / 3_600_000).toFixed(1)} h`;
  return `${(ms / 86_400_000).toFixed(1)} days`;
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** Check names as people say them: `disk_space` → "disk space". */
export const checkLabel = (check: string): string => (check === 'offline' ? 'machines being offline' : check.replace(/_/g, ' '));
