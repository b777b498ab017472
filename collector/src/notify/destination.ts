import { promises as dns } from 'node:dns';
import { ErrorCode, SiagaError } from '@siaga/shared';
import ipaddr from 'ipaddr.js';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to all its addresses (tests pass their own). */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: Resolver = async (hostname) =>
  (await dns.lookup(hostname, { all: true, verbatim: true })).map((r) => ({ address: r.address, family: r.family === 6 ? 6 : 4 }));

/** A webhook URL and the one vetted address the request must connect to. */
export interface Destination {
  url: URL;
  address: string;
  family: 4 | 6;
}

type Network = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** Instance metadata services hand out cloud credentials; named apart from their ranges. */
const METADATA: Network[] = [ipaddr.parseCIDR('169.254.169.254/32'), ipaddr.parseCIDR('fd00:ec2::254/128')];

/** IPv6 global unicast; everything outside it is special-purpose or unassigned. */
const IPV6_GLOBAL_UNICAST: Network = ipaddr.parseCIDR('2000::/3');

const RANGE_NAMES: Record<string, string> = {
  loopback: 'a loopback address',
  private: 'a private address',
  uniqueLocal: 'a private (unique local) address',
  linkLocal: 'a link-local address',
  carrierGradeNat: 'a carrier-grade NAT address',
  multicast: 'a multicast address',
  broadcast: 'a broadcast address',
  unspecified: 'an unspecified address',
};

function parseNetwork(text: string): Network {
  if (ipaddr.isValidCIDR(text)) return ipaddr.parseCIDR(text);
  const ip = ipaddr.process(text);
  return [ip, ip.kind() === 'ipv4' ? 32 : 128];
}

/** The origin of a URL, without path or query: webhook URLs often carry a token there. */
export const redactUrl = (url: URL): string => url.origin;

/**
 * Refuses webhook destinations inside the operator's own networks (SSRF): every address a host
 * name resolves to must be global unicast or inside `notify.allowNetworks`.
 */
export class DestinationGuard {
  private readonly allowed: Network[];

  constructor(
    allowNetworks: readonly string[],
    private readonly resolve: Resolver = systemResolver,
  ) {
    this.allowed = allowNetworks.map(parseNetwork);
  }

  /** Why `address` is refused, or undefined when it may be used. */
  refusal(address: string): string | undefined {
    const ip = ipaddr.process(address); // IPv4-mapped IPv6 becomes IPv4
    const within = (n: Network) => n[0].kind() === ip.kind() && ip.match(n);
    if (this.allowed.some(within)) return undefined;
    if (METADATA.some(within)) return 'a cloud metadata address';
    const range = ip.range();
    if (range === 'unicast') return ip.kind() === 'ipv4' || within(IPV6_GLOBAL_UNICAST) ? undefined : 'a reserved IPv6 address';
    return RANGE_NAMES[range] ?? `a reserved address (${range})`;
  }

  /**
   * Resolves the URL's host and checks every address. Refusals throw SIAGA_ERR_DESTINATION_REFUSED
   * (retrying will not help); resolver errors are rethrown as they are (they may pass).
   */
  async vet(rawUrl: string): Promise<Destination> {
    const url = new URL(rawUrl);
    const name = `webhook ${redactUrl(url)}`;
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new SiagaError(ErrorCode.destinationRefused, `${name}: only http and https URLs are allowed`);
    }
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    const literal = ipaddr.isValid(host);
    const addresses: ResolvedAddress[] = literal ? [{ address: host, family: ipaddr.parse(host).kind() === 'ipv6' ? 6 : 4 }] : await this.resolve(host);
    if (addresses.length === 0) throw new Error(`${name}: ${host} has no addresses`);
    for (const { address } of addresses) {
      const reason = this.refusal(address);
      if (reason !== undefined) {
        throw new SiagaError(ErrorCode.destinationRefused, `${name} ${literal ? 'is' : 'resolves to'} ${address}, ${reason}; add it to notify.allowNetworks to allow it`);
      }
    }
    const chosen = addresses[0] as ResolvedAddress;
    return { url, address: chosen.address, family: chosen.family };
  }
}
