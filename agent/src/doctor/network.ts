import dns from 'node:dns/promises';
import net from 'node:net';
import tls from 'node:tls';
import { type CheckLine, fail, pass, warn } from './checklist.js';

const TIMEOUT_MS = 5_000;

/** CAs to trust, as the agent's transport computes them; undefined: Node's defaults. */
export type CaList = tls.SecureContextOptions['ca'];
const EXPIRY_WARNING_DAYS = 14;

export function portOf(url: URL): number {
  return Number(url.port || (url.protocol === 'https:' || url.protocol === 'wss:' ? 443 : 80));
}

/** URL hostnames keep IPv6 literals in brackets; sockets and DNS want them without. */
export function bareHost(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

export async function checkDns(host: string): Promise<{ line: CheckLine; addresses: string[] }> {
  if (net.isIP(host)) return { line: pass(`Collector address ${host} needs no name lookup`), addresses: [host] };
  try {
    const found = await dns.lookup(host, { all: true });
    const addresses = found.map((a) => a.address);
    return { line: pass(`${host} resolves to ${addresses.join(', ')}`), addresses };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const fix =
      code === 'ENOTFOUND'
        ? `Check the spelling of collector.url, and that this computer's DNS server knows ${host} (nslookup ${host}).`
        : `This computer's DNS did not answer (${code}): check its network connection and DNS server.`;
    return { line: fail(`${host} does not resolve (${code ?? (err as Error).message})`, fix), addresses: [] };
  }
}

/** Connects to the first address that answers; reports each address that does not. */
export async function checkTcp(addresses: readonly string[], port: number): Promise<{ line: CheckLine; address?: string }> {
  const failures: string[] = [];
  for (const address of addresses) {
    const started = performance.now();
    const error = await new Promise<string | undefined>((resolve) => {
      const socket = net.connect({ host: address, port, timeout: TIMEOUT_MS });
      socket.once('connect', () => {
        socket.destroy();
        resolve(undefined);
      });
      socket.once('timeout', () => {
        socket.destroy();
        resolve('ETIMEDOUT');
      });
      socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    });
    const target = net.isIPv6(address) ? `[${address}]:${port}` : `${address}:${port}`;
    if (!error) return { line: pass(`TCP connection to ${target} (${Math.round(performance.now() - started)} ms)`), address };
    failures.push(`${target} ${error}`);
  }
  return { line: fail(`No TCP connection to the collector: ${failures.join('; ')}`, tcpFix(failures, port)) };
}

/** What to do, judged by how the connections failed (all the same way, or the first one's way). */
function tcpFix(failures: readonly string[], port: number): string {
  const codes = failures.map((f) => f.slice(f.lastIndexOf(' ') + 1));
  if (codes.every((c) => c === 'ECONNREFUSED')) return `Nothing listens on port ${port}: is the collector running, and is the port in collector.url right?`;
  if (codes.some((c) => c === 'ENETUNREACH' || c === 'EHOSTUNREACH')) {
    return "No route to the collector: check this computer's network connection, gateway and VPN.";
  }
  return `No answer within ${TIMEOUT_MS / 1000} s: a firewall drops the traffic, or the address is wrong.`;
}

const UNTRUSTED = new Set(['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_GET_ISSUER_CERT']);

/**
 * Looks at the collector's certificate the way the agent will (same CA list) and says in words
 * what is wrong with it: expired, not yet valid, untrusted, or issued for another name.
 */
export async function checkTls(address: string, port: number, host: string, ca: CaList, now = new Date()): Promise<CheckLine[]> {
  let socket: tls.TLSSocket;
  try {
    socket = await new Promise<tls.TLSSocket>((resolve, reject) => {
      const s = tls.connect({ host: address, port, rejectUnauthorized: false, timeout: TIMEOUT_MS, ...(net.isIP(host) ? {} : { servername: host }), ...(ca ? { ca } : {}) });
      s.once('secureConnect', () => resolve(s));
      s.once('timeout', () => {
        s.destroy();
        reject(new Error(`no TLS answer within ${TIMEOUT_MS / 1000} s`));
      });
      s.once('error', reject);
    });
  } catch (err) {
    return [fail(`TLS handshake with ${host}:${port} failed: ${(err as Error).message}`, 'Is the collector serving HTTPS on this port? A plain-HTTP collector needs an http:// URL.')];
  }
  const cert = socket.getPeerCertificate();
  const authorizationError = socket.authorizationError ? String((socket.authorizationError as NodeJS.ErrnoException).code ?? socket.authorizationError) : undefined;
  socket.destroy();
  if (!cert || Object.keys(cert).length === 0) return [fail(`The collector at ${host}:${port} sent no certificate`, 'Configure a certificate on the collector.')];

  const lines: CheckLine[] = [];
  const notBefore = new Date(cert.valid_from);
  const notAfter = new Date(cert.valid_to);
  const day = (d: Date) => d.toISOString().slice(0, 10);
  if (now > notAfter) lines.push(fail(`The collector's certificate expired on ${day(notAfter)}`, 'Renew the certificate on the collector.'));
  else if (now < notBefore) lines.push(fail(`The collector's certificate is valid only from ${day(notBefore)}, and this computer's clock says ${day(now)}`, "Check this computer's date and time (and its time sync)."));
  else if (notAfter.getTime() - now.getTime() < EXPIRY_WARNING_DAYS * 86_400_000) lines.push(warn(`The collector's certificate expires on ${day(notAfter)}`, 'Renew it on the collector soon.'));

  if (authorizationError && UNTRUSTED.has(authorizationError)) {
    lines.push(
      fail(
        `The collector's certificate (issued by ${cert.issuer?.CN ?? cert.issuer?.O ?? 'an unknown issuer'}) is not signed by a CA this agent trusts (${authorizationError})`,
        'Put the CA certificate that signed it in a PEM file and reinstall with --ca-file <pem> (collector.caFile).',
      ),
    );
  } else if (authorizationError && authorizationError !== 'CERT_HAS_EXPIRED' && authorizationError !== 'CERT_NOT_YET_VALID') {
    lines.push(fail(`The collector's certificate was refused: ${authorizationError}`, 'Check the certificate chain the collector sends.'));
  }

  const identityError = tls.checkServerIdentity(host, cert);
  if (identityError) {
    const names = cert.subjectaltname ?? `CN=${cert.subject?.CN ?? '?'}`;
    lines.push(fail(`The collector's certificate is for ${names}, not ${host}`, 'Use a name the certificate lists in collector.url, or reissue the certificate with this name.'));
  }
  if (!lines.some((l) => l.status === 'fail')) lines.unshift(pass(`TLS certificate of ${host} is trusted and valid until ${day(notAfter)}`));
  return lines;
}
