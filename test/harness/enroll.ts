import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';

/** `POST /v1/enroll` from a chosen loopback source address (fetch cannot pick one). */
export function enrollFrom(baseUrl: string, secret: string, localAddress = '127.0.0.1'): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  const body = JSON.stringify({
    enrollSecret: secret,
    nonce: randomBytes(16).toString('base64url'),
    host: { id: randomUUID(), hostname: `pc-${randomBytes(3).toString('hex')}` },
    os: { platform: 'linux', distro: 'Debian', release: '12', arch: 'x64' },
    agentVersion: 'test',
  });
  return new Promise((resolve, reject) => {
    const req = http.request(`${baseUrl}/v1/enroll`, { method: 'POST', localAddress, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}
