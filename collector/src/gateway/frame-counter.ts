/**
 * Counts WebSocket frames (RFC 6455 §5.2) in the raw client-to-server byte stream by reading
 * only the frame headers and skipping payloads. `ws` validates and assembles the frames; this
 * exists because `ws` has no per-frame hook, and a flood of tiny data, continuation or control
 * frames costs CPU long before any size limit is reached.
 */
export class FrameCounter {
  private readonly header = Buffer.alloc(14);
  private have = 0;
  private need = 2;
  /** Payload bytes of the current frame still to skip. */
  private skip = 0;

  /** Feeds one chunk; returns how many frame headers completed in it. */
  push(chunk: Buffer): number {
    let frames = 0;
    let i = 0;
    while (i < chunk.length) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - i);
        this.skip -= n;
        i += n;
        continue;
      }
      const n = Math.min(this.need - this.have, chunk.length - i);
      chunk.copy(this.header, this.have, i, i + n);
      this.have += n;
      i += n;
      if (this.have < this.need) break;
      if (this.need === 2) {
        const len7 = (this.header[1] as number) & 0x7f;
        const masked = ((this.header[1] as number) & 0x80) !== 0;
        this.need = 2 + (len7 === 126 ? 2 : len7 === 127 ? 8 : 0) + (masked ? 4 : 0);
        if (this.need > 2) continue;
      }
      frames += 1;
      this.skip = this.payloadLength();
      this.have = 0;
      this.need = 2;
    }
    return frames;
  }

  private payloadLength(): number {
    const len7 = (this.header[1] as number) & 0x7f;
    if (len7 === 126) return this.header.readUInt16BE(2);
    // Anything this large is refused by ws's maxPayload before we would skip far.
    if (len7 === 127) return Number(this.header.readBigUInt64BE(2));
    return len7;
  }
}
