import { crc32 } from './crc32.js';

/*
 * One spooled report on disk:
 *
 *   magic   4 bytes  F5 'S' 'P' 'L' — 0xF5 never occurs in UTF-8, so it cannot appear inside a frame
 *   crc     4 bytes  CRC-32 (LE) of everything after it: length + payload
 *   length  4 bytes  payload length (LE)
 *   payload          seq (u64 LE), createdAt ms (u64 LE), frame JSON (UTF-8)
 *
 * The magic lets a reader find the next record after a damaged one.
 */
const MAGIC = Buffer.from([0xf5, 0x53, 0x50, 0x4c]);
const HEADER_BYTES = 12;
const FIXED_PAYLOAD_BYTES = 16;
/** A length above this is damage, not a record (frames are limited far below it). */
const MAX_PAYLOAD_BYTES = 8 * 1024 * 1024;

export interface SpoolRecord {
  seq: number;
  /** When the record was appended (ms since epoch): what the age bound measures. */
  createdAt: number;
  frame: string;
}

/** Where a valid record sits in a segment. */
export interface RecordExtent {
  seq: number;
  createdAt: number;
  offset: number;
  size: number;
}

export interface ScanResult {
  records: RecordExtent[];
  /** Damaged stretches skipped (a torn tail or a record failing its checksum counts once). */
  corrupt: number;
  /** End of the last valid record: anything after it is a torn or damaged tail. */
  validEnd: number;
}

export function encodeRecord(record: SpoolRecord): Buffer {
  const frameBytes = Buffer.byteLength(record.frame, 'utf8');
  const payloadBytes = FIXED_PAYLOAD_BYTES + frameBytes;
  if (payloadBytes > MAX_PAYLOAD_BYTES) throw new RangeError(`spool record of ${payloadBytes} bytes exceeds ${MAX_PAYLOAD_BYTES}`);
  const buf = Buffer.allocUnsafe(HEADER_BYTES + payloadBytes);
  MAGIC.copy(buf, 0);
  buf.writeUInt32LE(payloadBytes, 8);
  buf.writeBigUInt64LE(BigInt(record.seq), 12);
  buf.writeBigUInt64LE(BigInt(Math.max(0, Math.trunc(record.createdAt))), 20);
  buf.write(record.frame, HEADER_BYTES + FIXED_PAYLOAD_BYTES, 'utf8');
  buf.writeUInt32LE(crc32(buf, 8), 4);
  return buf;
}

/** The valid record starting at `offset`, or undefined when the bytes there are not one. */
export function decodeRecord(buf: Buffer, offset = 0): { record: SpoolRecord; size: number } | undefined {
  const size = validSize(buf, offset);
  if (size === undefined) return undefined;
  const payload = offset + HEADER_BYTES;
  return {
    size,
    record: {
      seq: Number(buf.readBigUInt64LE(payload)),
      createdAt: Number(buf.readBigUInt64LE(payload + 8)),
      frame: buf.toString('utf8', payload + FIXED_PAYLOAD_BYTES, offset + size),
    },
  };
}

/** Every valid record of a segment, in file order, skipping damaged stretches. */
export function scanRecords(buf: Buffer): ScanResult {
  const records: RecordExtent[] = [];
  let corrupt = 0;
  let validEnd = 0;
  let pos = 0;
  let inDamage = false;
  while (pos < buf.length) {
    const size = validSize(buf, pos);
    if (size !== undefined) {
      const payload = pos + HEADER_BYTES;
      records.push({ seq: Number(buf.readBigUInt64LE(payload)), createdAt: Number(buf.readBigUInt64LE(payload + 8)), offset: pos, size });
      pos += size;
      validEnd = pos;
      inDamage = false;
      continue;
    }
    if (!inDamage) corrupt += 1;
    inDamage = true;
    const next = buf.indexOf(MAGIC, pos + 1);
    if (next < 0) break;
    pos = next;
  }
  return { records, corrupt, validEnd };
}

function validSize(buf: Buffer, offset: number): number | undefined {
  if (offset + HEADER_BYTES + FIXED_PAYLOAD_BYTES > buf.length) return undefined;
  if (buf.compare(MAGIC, 0, MAGIC.length, offset, offset + MAGIC.length) !== 0) return undefined;
  const payloadBytes = buf.readUInt32LE(offset + 8);
  if (payloadBytes < FIXED_PAYLOAD_BYTES || payloadBytes > MAX_PAYLOAD_BYTES) return undefined;
  const end = offset + HEADER_BYTES + payloadBytes;
  if (end > buf.length) return undefined;
  if (crc32(buf, offset + 8, end) !== buf.readUInt32LE(offset + 4)) return undefined;
  return HEADER_BYTES + payloadBytes;
}
