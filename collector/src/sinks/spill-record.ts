import { createHash } from 'node:crypto';
import { Lines } from './lines.js';

/**
 * One spilled batch on disk:
 *   length  4 bytes  payload length (LE)
 *   points  4 bytes  number of lines (LE)
 *   check   8 bytes  first 8 bytes of SHA-256 over length, points and payload
 *   payload          the batch's line protocol, each line ending with "\n"
 */
export const HEADER_BYTES = 16;

/** Far above any batch (50,000 points of a few hundred bytes); a larger length means a torn or damaged header. */
export const MAX_PAYLOAD_BYTES = 256 * 1024 * 1024;

function check(header: Buffer, payload: Buffer): Buffer {
  return createHash('sha256').update(header.subarray(0, 8)).update(payload).digest().subarray(0, 8);
}

export function encodeRecord(lines: Lines): Buffer {
  const payload = lines.bytes;
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt32LE(payload.length, 0);
  header.writeUInt32LE(lines.count, 4);
  check(header, payload).copy(header, 8);
  return Buffer.concat([header, payload]);
}

export interface RecordHeader {
  payloadBytes: number;
  points: number;
}

/** The header at the start of `buf`, or undefined when it cannot be a record's header. */
export function readHeader(buf: Buffer): RecordHeader | undefined {
  if (buf.length < HEADER_BYTES) return undefined;
  const payloadBytes = buf.readUInt32LE(0);
  const points = buf.readUInt32LE(4);
  if (payloadBytes === 0 || payloadBytes > MAX_PAYLOAD_BYTES || points === 0) return undefined;
  return { payloadBytes, points };
}

/** The record's lines, or undefined when its checksum does not match. */
export function decodeRecord(header: Buffer, payload: Buffer): Lines | undefined {
  if (!check(header, payload).equals(header.subarray(8, HEADER_BYTES))) return undefined;
  return Lines.parse(payload);
}
