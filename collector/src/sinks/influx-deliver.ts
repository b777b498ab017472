import type { Logger } from '../log.js';
import type { DeadLetter } from './dead-letter.js';
import { type AnswerKind, droppedCount, offendingLines, type WriteAnswer } from './influx-answer.js';
import type { LineWriter } from './influx-http.js';
import type { Lines } from './lines.js';

/**
 * How a batch ended: `done` when InfluxDB holds every point it will ever take (refused points are
 * in the dead-letter file); otherwise the lines still to write and why they were not written.
 */
export type Delivery = { kind: 'done' } | { kind: 'config' | 'transient'; status: number; message: string; lines: Lines };

export interface DeliveryCounters {
  writeRequests: number;
  pointsWritten: number;
  pointsDeadLettered: number;
  /** Answers per class (ok answers are not errors and not counted here). */
  errors: Record<Exclude<AnswerKind, 'ok'>, number>;
}

const DONE: Delivery = { kind: 'done' };

/**
 * Sends one batch and deals with what InfluxDB refuses: a 400 never blocks a batch. A partial
 * write sends the points InfluxDB names (or, if it names none, the whole batch) to the dead-letter
 * file; a refused batch of which nothing was written (a field type conflict inside the batch, a
 * body over the size limit) is split in halves until the refused points stand alone.
 */
export class BatchDeliverer {
  readonly counters: DeliveryCounters = {
    writeRequests: 0,
    pointsWritten: 0,
    pointsDeadLettered: 0,
    errors: { rejected: 0, tooLarge: 0, config: 0, transient: 0 },
  };

  constructor(
    private readonly writer: LineWriter,
    private readonly deadLetter: DeadLetter,
    private readonly log: Logger,
    /** Told how every request went: true when InfluxDB answered it (refused points included). */
    private readonly onAnswer: (ok: boolean, detail?: string) => void,
  ) {}

  async deliver(lines: Lines): Promise<Delivery> {
    this.counters.writeRequests++;
    const answer = await this.writer.write(lines);
    if (answer.kind !== 'ok') this.counters.errors[answer.kind]++;
    switch (answer.kind) {
      case 'ok':
        this.counters.pointsWritten += lines.count;
        this.onAnswer(true);
        return DONE;
      case 'rejected':
        this.onAnswer(true);
        return this.rejected(lines, answer);
      case 'tooLarge':
        this.onAnswer(true);
        if (lines.count > 1) return this.split(lines);
        await this.bury(lines.toStrings(), answer.status, answer.message, true, 1);
        return DONE;
      default: {
        const detail = answer.status ? `HTTP ${answer.status}: ${answer.message}` : answer.message;
        this.onAnswer(false, detail);
        return { kind: answer.kind, status: answer.status, message: detail, lines };
      }
    }
  }

  private async rejected(lines: Lines, answer: Extract<WriteAnswer, { kind: 'rejected' }>): Promise<Delivery> {
    if (answer.partial) {
      const text = lines.toStrings();
      const named = offendingLines(answer.message, text);
      const refused = named.size > 0 ? text.filter((_, i) => named.has(i)) : text;
      const dropped = named.size > 0 ? named.size : Math.min(lines.count, droppedCount(answer.message) ?? lines.count);
      this.counters.pointsWritten += lines.count - dropped;
      await this.bury(refused, answer.status, answer.message, named.size > 0, dropped);
      return DONE;
    }
    // Nothing was written. A type conflict between points of this batch: split to save the others.
    if (lines.count > 1 && /field type conflict/i.test(answer.message)) return this.split(lines);
    await this.bury(lines.toStrings(), answer.status, answer.message, true, lines.count);
    return DONE;
  }

  /** Halves, one after the other; stops at the first half that could not be written. */
  private async split(lines: Lines): Promise<Delivery> {
    const middle = Math.ceil(lines.count / 2);
    const first = await this.deliver(lines.slice(0, middle));
    if (first.kind !== 'done') return { ...first, lines: first.lines.concat(lines.slice(middle)) };
    return this.deliver(lines.slice(middle));
  }

  private async bury(lines: string[], status: number, error: string, identified: boolean, dropped: number): Promise<void> {
    this.counters.pointsDeadLettered += dropped;
    this.log.warn({ status, error: error.slice(0, 500), points: dropped, identified, dir: this.deadLetter.dir }, 'InfluxDB refused points; they are in the dead-letter file');
    try {
      await this.deadLetter.add({ status, error, identified, lines });
    } catch (err) {
      this.log.error({ err: (err as Error).message }, 'could not write the InfluxDB dead-letter file');
    }
  }
}
