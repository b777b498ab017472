// Reports for simulated agents, built from one recorded report of the real agent: the same
// measurements, tags, fields, checks and size; numbers varied per agent and per send; seq,
// collectedAt and policyVersion filled in. The recording is turned into a string template once,
// so a report costs a few string joins instead of a JSON.stringify of a 6 KB object.
import { readFileSync } from 'node:fs';

const SLOT = '~~slot~~';

/** Fields whose values are flags or codes: kept as recorded so every report tells the same story. */
const isFlag = (value) => value === 0 || value === 1;

/**
 * @typedef {{ kind: 'seq' | 'collectedAt' | 'policyVersion' } | { kind: 'number', value: number, integer: boolean }} Slot
 */

export class ReportTemplate {
  /** @param {object} recorded a report frame as the real agent sent it */
  constructor(recorded) {
    if (recorded?.type !== 'report' || !Array.isArray(recorded.metrics)) throw new Error('not a recorded report frame');
    /** @type {Slot[]} */
    this.slots = [];
    const mark = (slot) => {
      this.slots.push(slot);
      return `${SLOT}${this.slots.length - 1}${SLOT}`;
    };
    const vary = (value) => (typeof value === 'number' && Number.isFinite(value) && !isFlag(value) ? mark({ kind: 'number', value, integer: Number.isInteger(value) }) : value);
    const frame = {
      v: recorded.v,
      type: 'report',
      seq: mark({ kind: 'seq' }),
      collectedAt: mark({ kind: 'collectedAt' }),
      trigger: 'interval',
      policyVersion: mark({ kind: 'policyVersion' }),
      metrics: recorded.metrics.map((m) => ({ ...m, fields: Object.fromEntries(Object.entries(m.fields).map(([k, v]) => [k, vary(v)])) })),
      checks: (recorded.checks ?? []).map((c) => (c.observed === undefined ? c : { ...c, observed: vary(c.observed) })),
    };
    // A slot marker sits inside a JSON string; the quotes around it go too, except for policyVersion.
    const text = JSON.stringify(frame);
    const parts = text.split(new RegExp(`"?${SLOT}(\\d+)${SLOT}"?`));
    /** Literal text, then slot index, literal, slot index, ... literal. */
    this.parts = parts.filter((_, i) => i % 2 === 0);
    this.order = parts.filter((_, i) => i % 2 === 1).map(Number);
    this.numbers = this.slots.filter((s) => s.kind === 'number').length;
    this.metricCount = recorded.metrics.length;
    this.checkCount = (recorded.checks ?? []).length;
    /** Points the collector writes per report: one per metric and one per check. */
    this.pointsPerReport = this.metricCount + this.checkCount;
    this.metricNames = [...new Set(recorded.metrics.map((m) => m.m))];
    this.recordedBytes = Buffer.byteLength(JSON.stringify(recorded));
  }

  static fromFile(file) {
    return new ReportTemplate(JSON.parse(readFileSync(file, 'utf8')));
  }

  /** One agent's own level for every varied number: within ±10 % of the recording. */
  agentProfile(random = Math.random) {
    const factors = new Float64Array(this.slots.length);
    for (let i = 0; i < this.slots.length; i += 1) factors[i] = 0.9 + random() * 0.2;
    return factors;
  }

  /**
   * One report as JSON text. Numbers move ±2 % around the agent's level on every send; integers
   * stay integers, fractions keep two decimals.
   * @param {Float64Array} profile @param {{ seq: number, collectedAt: number, policyVersion: string }} at
   */
  build(profile, at, random = Math.random) {
    let out = this.parts[0];
    for (let i = 0; i < this.order.length; i += 1) {
      const index = this.order[i];
      const slot = this.slots[index];
      let value;
      if (slot.kind === 'seq') value = String(at.seq);
      else if (slot.kind === 'collectedAt') value = String(at.collectedAt);
      else if (slot.kind === 'policyVersion') value = JSON.stringify(at.policyVersion);
      else {
        const x = slot.value * profile[index] * (0.98 + random() * 0.04);
        value = String(slot.integer ? Math.round(x) : Math.round(x * 100) / 100);
      }
      out += value + this.parts[i + 1];
    }
    return out;
  }
}
