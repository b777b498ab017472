import { z } from 'zod';
import { LIMITS } from './limits.js';

/** Measurement, field and tag keys: lower snake case, like Telegraf's. */
export const metricKey = z
  .string()
  .max(LIMITS.maxNameLength)
  .regex(/^[a-z][a-z0-9_]*$/, 'expected lower_snake_case name');

/** A printable string without control characters (safe as a tag value or a log line). */
export const printable = (max: number) =>
  z
    .string()
    .max(max)
    // eslint-disable-next-line no-control-regex
    .regex(/^[^\u0000-\u001f\u007f]*$/, 'must not contain control characters');

/** Epoch milliseconds: a non-negative integer within a sane range (year 2000 .. 2200). */
export const epochMs = z.number().int().min(946_684_800_000).max(7_258_118_400_000);

export const seqNumber = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** Site, group and tag names set by IT at install time. */
export const labelName = z
  .string()
  .min(1)
  .max(LIMITS.maxNameLength)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'expected letters, digits, dot, dash or underscore');
