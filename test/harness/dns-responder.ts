import dgram from 'node:dgram';

export interface DnsResponder {
  port: number;
  queries: number;
  close(): Promise<void>;
}

/**
 * A loopback DNS server for tests: answers every A question with 127.0.0.1 and every other
 * question with no records. With `silent`, it never answers (a dead resolver).
 */
export async function startDnsResponder(options: { silent?: boolean } = {}): Promise<DnsResponder> {
  const socket = dgram.createSocket('udp4');
  const responder: DnsResponder = { port: 0, queries: 0, close: () => new Promise<void>((r) => socket.close(() => r())) };
  socket.on('message', (msg, from) => {
    responder.queries++;
    if (options.silent || msg.length < 17) return;
    let end = 12;
    while (end < msg.length && msg[end] !== 0) end += msg[end]! + 1;
    end += 5; // the root label, QTYPE and QCLASS
    if (end > msg.length) return;
    const isA = msg.readUInt16BE(end - 4) === 1;
    const header = Buffer.alloc(12);
    header.writeUInt16BE(msg.readUInt16BE(0), 0);
    header.writeUInt16BE(0x8180, 2); // a response, recursion available, no error
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(isA ? 1 : 0, 6);
    // Name by pointer to the question, type A, class IN, TTL 60, 4 bytes: 127.0.0.1.
    const answer = isA ? Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 127, 0, 0, 1]) : Buffer.alloc(0);
    socket.send(Buffer.concat([header, msg.subarray(12, end), answer]), from.port, from.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  responder.port = socket.address().port;
  return responder;
}
