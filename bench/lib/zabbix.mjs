// A Zabbix server's passive check, as `zabbix_get` does it: one TCP connection per item key,
// request and answer framed with the ZBXD header (protocol 0x01, little-endian length).
import net from 'node:net';

const MAGIC = Buffer.from('ZBXD', 'latin1');
const HEADER_BYTES = 13;
const NOT_SUPPORTED = 'ZBX_NOTSUPPORTED\0';

/** Frames a request or answer: "ZBXD", flags 0x01, data length (u32 LE), reserved (u32). */
export function encodeZabbix(text) {
  const body = Buffer.from(text, 'utf8');
  const header = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(header, 0);
  header[4] = 0x01;
  header.writeUInt32LE(body.length, 5);
  header.writeUInt32LE(0, 9);
  return Buffer.concat([header, body]);
}

/**
 * Reads one framed answer. Returns undefined while incomplete;
 * `{ ok: false, error }` for ZBX_NOTSUPPORTED.
 * @returns {{ ok: true, value: string } | { ok: false, error: string } | undefined}
 */
export function decodeZabbix(buf) {
  if (buf.length < HEADER_BYTES) return undefined;
  if (!buf.subarray(0, 4).equals(MAGIC)) throw new Error(`not a Zabbix answer: ${JSON.stringify(buf.subarray(0, 16).toString('latin1'))}`);
  if ((buf[4] & 0x02) !== 0) throw new Error('compressed Zabbix answers are not supported');
  const length = buf.readUInt32LE(5);
  if (buf.length < HEADER_BYTES + length) return undefined;
  const text = buf.subarray(HEADER_BYTES, HEADER_BYTES + length).toString('utf8');
  if (text.startsWith(NOT_SUPPORTED)) return { ok: false, error: text.slice(NOT_SUPPORTED.length) || 'not supported' };
  return { ok: true, value: text };
}

/** Asks a Zabbix agent (passive check) for one item. */
export function zabbixGet(host, port, key, timeoutMs = 5_000) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    let buf = Buffer.alloc(0);
    const finish = (err, answer) => {
      socket.destroy();
      if (err) reject(err);
      else resolve(answer);
    };
    socket.setTimeout(timeoutMs, () => finish(new Error(`zabbix ${key}: no answer in ${timeoutMs} ms`)));
    socket.once('connect', () => socket.write(encodeZabbix(key)));
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      try {
        const answer = decodeZabbix(buf);
        if (answer) finish(undefined, answer);
      } catch (err) {
        finish(err);
      }
    });
    socket.once('end', () => finish(new Error(`zabbix ${key}: connection closed after ${buf.length} bytes`)));
    socket.once('error', (err) => finish(err));
  });
}
