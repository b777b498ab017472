import { randomBytes } from 'node:crypto';
import net from 'node:net';

/** A masked client frame as RFC 6455 §5.2 lays it out, for tests that misbehave on purpose. */
export function clientFrame(opcode: number, payload: Buffer | string = Buffer.alloc(0), fin = true): Buffer {
  const data = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const len = data.length;
  const ext = len < 126 ? Buffer.alloc(0) : len < 65_536 ? Buffer.alloc(2) : Buffer.alloc(8);
  if (len >= 126 && len < 65_536) ext.writeUInt16BE(len);
  if (len >= 65_536) ext.writeBigUInt64BE(BigInt(len));
  const mask = randomBytes(4);
  const masked = Buffer.from(data);
  for (let i = 0; i < masked.length; i++) masked[i] = (masked[i] as number) ^ (mask[i & 3] as number);
  const head = Buffer.from([(fin ? 0x80 : 0) | opcode, 0x80 | (len < 126 ? len : len < 65_536 ? 126 : 127)]);
  return Buffer.concat([head, ext, mask, masked]);
}

export interface RawSocketOptions {
  port: number;
  nodeKey?: string;
  /** Source address to connect from (any 127.x address works on Linux loopback). */
  localAddress?: string;
}

/**
 * A WebSocket client built on a bare TCP socket: performs the upgrade by hand, then lets a test
 * write arbitrary frames and watch for the server's close frame (or the socket closing).
 */
export class RawSocket {
  readonly socket: net.Socket;
  status = 0;
  /** Close code from the server's close frame, if one arrived. */
  closeCode: number | undefined;
  closeReason = '';
  /** Text frames received from the server. */
  readonly messages: string[] = [];
  closed = false;
  private buffer = Buffer.alloc(0);
  private upgraded = false;
  private readonly done: Promise<void>;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on('error', () => undefined);
    this.done = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('close', () => (this.closed = true));
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
  }

  /** Connects and sends the upgrade request; resolves once the status line arrived. */
  static async open(options: RawSocketOptions): Promise<RawSocket> {
    const socket = net.connect({ port: options.port, host: '127.0.0.1', ...(options.localAddress ? { localAddress: options.localAddress } : {}) });
    const raw = new RawSocket(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('error', reject);
    });
    const auth = options.nodeKey !== undefined ? `Authorization: Bearer ${options.nodeKey}\r\n` : '';
    socket.write(`GET /v1/agent HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n${auth}\r\n`);
    const deadline = Date.now() + 10_000;
    while (raw.status === 0 && !raw.closed) {
      if (Date.now() > deadline) throw new Error('no answer to the upgrade request');
      await new Promise((r) => setTimeout(r, 5));
    }
    return raw;
  }

  write(data: Buffer): boolean {
    return !this.closed && this.socket.write(data);
  }

  /** Resolves when the TCP connection is gone. */
  async waitClosed(timeoutMs = 10_000): Promise<boolean> {
    return Promise.race([this.done.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), timeoutMs))]);
  }

  destroy(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    if (!this.upgraded) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      this.status = Number(/^HTTP\/1\.1 (\d{3})/.exec(this.buffer.subarray(0, end).toString())?.[1] ?? 0);
      this.upgraded = true;
      this.buffer = this.buffer.subarray(end + 4);
    }
    if (this.status !== 101) return;
    // Server frames are unmasked and never fragmented by the collector.
    for (;;) {
      if (this.buffer.length < 2) return;
      const len7 = (this.buffer[1] as number) & 0x7f;
      const headLen = 2 + (len7 === 126 ? 2 : len7 === 127 ? 8 : 0);
      if (this.buffer.length < headLen) return;
      const len = len7 === 126 ? this.buffer.readUInt16BE(2) : len7 === 127 ? Number(this.buffer.readBigUInt64BE(2)) : len7;
      if (this.buffer.length < headLen + len) return;
      const opcode = (this.buffer[0] as number) & 0x0f;
      if (opcode === 0x8 && len >= 2) {
        this.closeCode = this.buffer.readUInt16BE(headLen);
        this.closeReason = this.buffer.subarray(headLen + 2, headLen + len).toString();
      }
      if (opcode === 0x1) this.messages.push(this.buffer.subarray(headLen, headLen + len).toString());
      this.buffer = this.buffer.subarray(headLen + len);
    }
  }
}
