const NEWLINE = 0x0a;

/**
 * A batch of line-protocol lines held as bytes (each line ends with "\n") plus where each line
 * ends. Batches live off the JavaScript heap: thousands of retained line strings made the
 * garbage collector the biggest cost of serializing (measured: about half of it).
 */
export class Lines {
  private constructor(
    /** The lines, each ending with "\n" — a ready request body. */
    readonly bytes: Buffer,
    /** Offset just past each line's "\n" in `bytes`. */
    private readonly ends: Uint32Array,
  ) {}

  /** From a builder's parts: `ends` must match the "\n" positions of `bytes`. */
  static fromParts(bytes: Buffer, ends: readonly number[]): Lines {
    return new Lines(bytes, Uint32Array.from(ends));
  }

  static of(lines: readonly string[]): Lines {
    const builder = new LinesBuilder();
    for (const line of lines) builder.push(line);
    return builder.take();
  }

  /** Lines from bytes as `bytes` gives them (a trailing "\n" is optional). */
  static parse(bytes: Buffer): Lines {
    if (bytes.length > 0 && bytes[bytes.length - 1] !== NEWLINE) bytes = Buffer.concat([bytes, Buffer.from('\n')]);
    const ends: number[] = [];
    for (let at = bytes.indexOf(NEWLINE); at >= 0; at = bytes.indexOf(NEWLINE, at + 1)) ends.push(at + 1);
    return new Lines(bytes, Uint32Array.from(ends));
  }

  get count(): number {
    return this.ends.length;
  }

  /** Lines `[from, to)` sharing the same memory. */
  slice(from: number, to = this.count): Lines {
    const start = from === 0 ? 0 : (this.ends[from - 1] as number);
    const end = to === 0 ? 0 : (this.ends[to - 1] as number);
    return new Lines(this.bytes.subarray(start, end), this.ends.slice(from, to).map((e) => e - start));
  }

  concat(other: Lines): Lines {
    if (other.count === 0) return this;
    const shifted = other.ends.map((e) => e + this.bytes.length);
    const ends = new Uint32Array(this.count + other.count);
    ends.set(this.ends);
    ends.set(shifted, this.count);
    return new Lines(Buffer.concat([this.bytes, other.bytes]), ends);
  }

  /** The lines as strings, without their "\n" (for the rare paths that need to read them). */
  toStrings(): string[] {
    const out: string[] = [];
    let start = 0;
    for (const end of this.ends) {
      out.push(this.bytes.toString('utf8', start, end - 1));
      start = end;
    }
    return out;
  }
}

/** Appends lines into a growing buffer. */
export class LinesBuilder {
  private buf = Buffer.allocUnsafe(64 * 1024);
  private size = 0;
  private ends: number[] = [];

  get count(): number {
    return this.ends.length;
  }

  push(line: string): void {
    const most = line.length * 3 + 1;
    if (this.size + most > this.buf.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.size + most));
      this.buf.copy(grown, 0, 0, this.size);
      this.buf = grown;
    }
    this.size += this.buf.write(line, this.size);
    this.buf[this.size++] = NEWLINE;
    this.ends.push(this.size);
  }

  /** Appends many lines (a report's) with one encoding pass instead of one per line. */
  pushAll(lines: readonly string[]): void {
    if (lines.length === 0) return;
    const text = `${lines.join('\n')}\n`;
    if (this.size + text.length * 3 > this.buf.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.size + text.length * 3));
      this.buf.copy(grown, 0, 0, this.size);
      this.buf = grown;
    }
    const written = this.buf.write(text, this.size);
    // As many bytes as characters: all ASCII (the usual case), so line ends follow from the lengths.
    const ascii = written === text.length;
    let at = this.size;
    for (const line of lines) {
      at += (ascii ? line.length : Buffer.byteLength(line)) + 1;
      this.ends.push(at);
    }
    this.size += written;
  }

  /** The lines so far; the builder starts over. */
  take(): Lines {
    const lines = Lines.fromParts(Buffer.from(this.buf.subarray(0, this.size)), this.ends);
    this.buf = Buffer.allocUnsafe(64 * 1024);
    this.size = 0;
    this.ends = [];
    return lines;
  }
}
