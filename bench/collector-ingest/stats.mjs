// Latency histograms that merge across processes, percentiles, and rates between two readings.

/** Sub-buckets per power of two: about 3 % relative error. */
const SUB_BITS = 5;
const SUB = 2 ** SUB_BITS;
/** Values in microseconds up to 2^36 µs (19 hours). */
const MAX_EXP = 36;
const BUCKETS = SUB + (MAX_EXP - SUB_BITS + 1) * SUB;

/**
 * A log-linear histogram of durations in microseconds (like HdrHistogram): exact below 32 µs,
 * then each power of two split into 32 equal buckets. Plain arrays, so workers ship them over
 * IPC and the parent adds them up.
 */
export class LatencyHistogram {
  constructor(counts) {
    this.counts = counts ?? new Array(BUCKETS).fill(0);
  }

  static index(us) {
    const v = Math.max(0, Math.round(us));
    if (v < SUB) return v;
    const exp = Math.min(MAX_EXP, Math.floor(Math.log2(v)));
    const sub = Math.min(SUB - 1, Math.floor((v - 2 ** exp) / 2 ** (exp - SUB_BITS)));
    return SUB + (exp - SUB_BITS) * SUB + sub;
  }

  /** The upper edge of a bucket, in microseconds. */
  static upper(index) {
    if (index < SUB) return index;
    const exp = SUB_BITS + Math.floor((index - SUB) / SUB);
    const sub = (index - SUB) % SUB;
    return 2 ** exp + (sub + 1) * 2 ** (exp - SUB_BITS);
  }

  record(us) {
    this.counts[LatencyHistogram.index(us)] += 1;
  }

  get total() {
    let n = 0;
    for (const c of this.counts) n += c;
    return n;
  }

  add(other) {
    const counts = other instanceof LatencyHistogram ? other.counts : other;
    for (let i = 0; i < counts.length; i += 1) this.counts[i] += counts[i] ?? 0;
    return this;
  }

  /** The value at quantile q (0..1) in microseconds: the upper edge of its bucket; null when empty. */
  quantile(q) {
    const total = this.total;
    if (total === 0) return null;
    const rank = Math.max(1, Math.ceil(q * total));
    let seen = 0;
    for (let i = 0; i < this.counts.length; i += 1) {
      seen += this.counts[i];
      if (seen >= rank) return LatencyHistogram.upper(i);
    }
    return LatencyHistogram.upper(this.counts.length - 1);
  }

  /** The counts, emptied: what a worker ships to the parent. */
  drain() {
    const out = this.counts;
    this.counts = new Array(out.length).fill(0);
    return out;
  }
}

/** Per second between two cumulative readings `{ at (ms), ...counters }`. */
export function rate(first, last, key) {
  const sec = (last.at - first.at) / 1000;
  return sec > 0 ? (last[key] - first[key]) / sec : null;
}

/**
 * Reports lost: for each agent, what it saw acknowledged minus what InfluxDB holds, when
 * InfluxDB holds less. `acked` maps host id → reports acknowledged (every seq 1..n, each with its
 * own timestamp); `stored` maps host id → points of the one-per-report measurement.
 */
export function lostReports(acked, stored) {
  let lost = 0;
  let hostsShort = 0;
  let extra = 0;
  for (const [host, n] of acked) {
    const have = stored.get(host) ?? 0;
    if (have < n) {
      lost += n - have;
      hostsShort += 1;
    } else extra += have - n;
  }
  return { lost, hostsShort, extra, hosts: acked.size };
}
