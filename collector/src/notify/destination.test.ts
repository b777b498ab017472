import { ErrorCode, SiagaError } from '@siaga/shared';
import { describe, expect, it } from 'vitest';
import { DestinationGuard, type ResolvedAddress, type Resolver } from './destination.js';

const fakeDns = (table: Record<string, string[]>): Resolver => async (host) => {
  const addresses = table[host];
  if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  return addresses.map((address): ResolvedAddress => ({ address, family: address.includes(':') ? 6 : 4 }));
};

async function refusal(guard: DestinationGuard, url: string): Promise<SiagaError> {
  const err = await guard.vet(url).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SiagaError);
  expect((err as SiagaError).code).toBe(ErrorCode.destinationRefused);
  return err as SiagaError;
}

describe('webhook destination guard', () => {
  const guard = new DestinationGuard([], fakeDns({}));

  it.each([
    ['127.0.0.1', 'a loopback address'],
    ['127.9.9.9', 'a loopback address'],
    ['[::1]', 'a loopback address'],
    ['10.0.0.5', 'a private address'],
    ['172.16.4.4', 'a private address'],
    ['172.31.255.1', 'a private address'],
    ['192.168.1.10', 'a private address'],
    ['[fd12:3456::1]', 'a private (unique local) address'],
    ['169.254.10.1', 'a link-local address'],
    ['[fe80::1]', 'a link-local address'],
    ['100.64.0.1', 'a carrier-grade NAT address'],
    ['100.127.255.254', 'a carrier-grade NAT address'],
    ['224.0.0.1', 'a multicast address'],
    ['[ff02::1]', 'a multicast address'],
    ['0.0.0.0', 'an unspecified address'],
    ['[::]', 'an unspecified address'],
    ['255.255.255.255', 'a broadcast address'],
    ['169.254.169.254', 'a cloud metadata address'],
    ['[fd00:ec2::254]', 'a cloud metadata address'],
    ['[::ffff:10.0.0.5]', 'a private address'],
    ['[::ffff:127.0.0.1]', 'a loopback address'],
    ['192.0.2.10', 'a reserved address (reserved)'],
    ['[64:ff9b::a00:5]', 'a reserved address (rfc6052)'],
    ['[::7f00:1]', 'a reserved IPv6 address'],
    ['[4000::1]', 'a reserved IPv6 address'],
  ])('refuses http://%s', async (host, what) => {
    const err = await refusal(guard, `http://${host}:8080/hook`);
    expect(err.message).toContain(what);
    expect(err.message).toContain('add it to notify.allowNetworks to allow it');
  });

  it('accepts global unicast addresses', async () => {
    await expect(guard.vet('https://93.184.216.34/hook')).resolves.toMatchObject({ address: '93.184.216.34', family: 4 });
    await expect(guard.vet('https://[2606:4700::1111]/hook')).resolves.toMatchObject({ address: '2606:4700::1111', family: 6 });
    // 172.32/12 is just outside 172.16.0.0/12
    await expect(guard.vet('http://172.32.0.1/')).resolves.toMatchObject({ address: '172.32.0.1' });
  });

  it('refuses a host name that resolves to a private address and names both', async () => {
    const g = new DestinationGuard([], fakeDns({ 'hooks.example.com': ['10.0.0.5'] }));
    const err = await refusal(g, 'https://hooks.example.com/services/T0/B0/secret-token');
    expect(err.message).toBe('webhook https://hooks.example.com resolves to 10.0.0.5, a private address; add it to notify.allowNetworks to allow it');
    expect(err.message).not.toContain('secret-token');
  });

  it('checks every address a name resolves to, not just the first', async () => {
    const g = new DestinationGuard([], fakeDns({ 'mixed.example.com': ['93.184.216.34', '2606:4700::1111', '169.254.169.254'] }));
    const err = await refusal(g, 'https://mixed.example.com/');
    expect(err.message).toContain('169.254.169.254, a cloud metadata address');
  });

  it('returns the vetted address to connect to', async () => {
    const g = new DestinationGuard([], fakeDns({ 'pager.example.com': ['2606:4700::1111', '93.184.216.34'] }));
    await expect(g.vet('https://pager.example.com/v2/enqueue')).resolves.toMatchObject({ address: '2606:4700::1111', family: 6 });
  });

  it('allows listed networks and single addresses, and only those', async () => {
    const g = new DestinationGuard(['127.0.0.0/8', '::1', '10.20.0.0/16'], fakeDns({ 'localhost': ['127.0.0.1', '::1'], 'alerts.corp': ['10.20.3.4'], 'other.corp': ['10.21.0.1'] }));
    await expect(g.vet('http://localhost:9000/')).resolves.toMatchObject({ address: '127.0.0.1' });
    await expect(g.vet('http://[::1]:9000/')).resolves.toMatchObject({ address: '::1' });
    await expect(g.vet('http://alerts.corp/')).resolves.toMatchObject({ address: '10.20.3.4' });
    await refusal(g, 'http://other.corp/');
    await refusal(g, 'http://[::2]/');
  });

  it('refuses protocols other than http and https', async () => {
    const err = await refusal(guard, 'ftp://93.184.216.34/x');
    expect(err.message).toContain('only http and https');
  });

  it('passes resolver failures through as they are (they may be transient)', async () => {
    const g = new DestinationGuard([], fakeDns({}));
    await expect(g.vet('https://nowhere.example.com/')).rejects.toMatchObject({ code: 'ENOTFOUND' });
  });
});
