import { authedFetch } from './auth.js';
import { waitFor } from './ports.js';

export interface HostView {
  id: string;
  hostname: string;
  verdict: string;
  expected: boolean;
  verdictSince: number | null;
  reasons: Array<{ check: string; instance?: string; status: string; reason: string }>;
  connected: boolean;
  lastSeq: number;
}

export async function getJson<T>(url: string): Promise<T> {
  const res = await authedFetch(url);
  if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

export async function hostByName(base: string, hostname: string): Promise<HostView | undefined> {
  const { hosts } = await getJson<{ hosts: HostView[] }>(`${base}/v1/hosts`);
  return hosts.find((h) => h.hostname === hostname);
}

/** Polls the API until the named host has the verdict; returns the host as then seen. */
export function waitForVerdict(base: string, hostname: string, verdict: string, timeoutMs = 20_000, extra: (h: HostView) => boolean = () => true): Promise<HostView> {
  return waitFor(async () => {
    const h = await hostByName(base, hostname);
    return h && h.verdict === verdict && extra(h) ? h : undefined;
  }, `${hostname} to become ${verdict}`, timeoutMs, 50);
}
