import { cpSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, type HostView } from '../harness/api.js';
import { waitFor } from '../harness/ports.js';
import { type LoggedProcess, type RunningCollector, startAgent, startCollector } from '../harness/processes.js';
import { RawAgent } from '../harness/raw-agent.js';
import { tempDir } from '../harness/tmp.js';

const SECRET = 'identity-test-secret-0001';
const FP_ORIGINAL = '0a'.repeat(16);
const FP_OTHER = '0b'.repeat(16);

interface HostEvent {
  kind: string;
  count: number;
  detail: Record<string, unknown>;
}

describe('cloned and duplicated identities', () => {
  const tmp = tempDir('identity');
  let collector: RunningCollector;
  const agents: LoggedProcess[] = [];
  const originalState = path.join(tmp.dir, 'original-state');
  let originalId = '';

  const run = (name: string, stateDir: string, fingerprint: string) => {
    const agent = startAgent(tmp.dir, name, { collector: { url: collector.url, enrollSecret: SECRET }, stateDir, identity: { hostname: 'pc-golden-image', fingerprint }, intervalSec: 5 });
    agents.push(agent);
    return agent;
  };
  const hosts = async () => (await getJson<{ hosts: HostView[] }>(`${collector.url}/v1/hosts`)).hosts;
  const connected = (predicate: (h: HostView[]) => boolean, what: string) => waitFor(async () => ((h) => (predicate(h) ? h : undefined))(await hosts()), what, 30_000);
  const events = async (hostId: string) => (await getJson<{ events: HostEvent[] }>(`${collector.url}/v1/hosts/${hostId}/events`)).events;

  beforeAll(async () => {
    collector = await startCollector(tmp.dir, { enroll: { secrets: [SECRET] }, gateway: { duplicateProbeMs: 1_000 } });
  });
  afterAll(async () => {
    await Promise.all(agents.map((a) => a.stop()));
    await collector?.stop();
    tmp.remove();
  });

  it('a copied state directory on other hardware enrolls as a new host; the original keeps its own', async () => {
    const original = run('original', originalState, FP_ORIGINAL);
    const [first] = await connected((h) => h.some((x) => x.connected), 'the original to connect');
    originalId = first?.id as string;
    await original.stop();
    await connected((h) => h.every((x) => !x.connected), 'the original to disconnect');

    const cloneState = path.join(tmp.dir, 'clone-state');
    cpSync(originalState, cloneState, { recursive: true });
    const clone = run('clone', cloneState, FP_OTHER);
    await clone.waitForLog(/hardware fingerprint changed since enrollment/);
    const withClone = await connected((h) => h.some((x) => x.connected && x.id !== first?.id), 'the clone to connect as a new host');
    const cloneHost = withClone.find((x) => x.connected) as HostView;
    expect(cloneHost.id).not.toBe(first?.id);

    // The original machine, restarted on its own hardware, is still the original host.
    const back = run('original-again', originalState, FP_ORIGINAL);
    const both = await connected((h) => h.filter((x) => x.connected).length === 2, 'original and clone connected side by side');
    expect(both.map((h) => h.id).sort()).toEqual([first?.id, cloneHost.id].sort());
    expect(back.lines.some((l) => /hardware fingerprint changed/.test(String(l.msg)))).toBe(false);
    expect(back.lines.some((l) => l.msg === 'enrolled')).toBe(false);
    expect((await events(cloneHost.id)).map((e) => e.kind)).toEqual(['enrolled']);
  });

  it('a true twin (same state, same hardware fingerprint) is refused with 4409 while the original stays, and the event is stored', async () => {
    const before = (await hosts()).filter((h) => h.connected).map((h) => h.id).sort();
    const twinState = path.join(tmp.dir, 'twin-state');
    cpSync(originalState, twinState, { recursive: true });
    const twin = run('twin', twinState, FP_ORIGINAL);
    await twin.waitForLog(/\(4409\)/);
    const plan = await twin.waitForLog('reconnecting later');
    expect(Number(plan.delayMs)).toBeGreaterThanOrEqual(30_000);
    expect((await hosts()).filter((h) => h.connected).map((h) => h.id).sort()).toEqual(before);

    const list = await events(originalId);
    expect(list.filter((e) => e.kind === 'duplicate_identity')).toEqual([
      expect.objectContaining({ count: 1, detail: expect.objectContaining({ hostname: 'pc-golden-image', newcomer: '127.0.0.1', existing: '127.0.0.1' }) }),
    ]);
    await twin.stop();
  });

  it('a second raw socket with a live key gets 4409 and folds into one event with a count', async () => {
    const agent = new RawAgent(collector.url);
    await agent.enroll(SECRET);
    await agent.connect();
    agent.hello();
    await agent.next((f) => f.type === 'welcome');
    for (let i = 0; i < 3; i++) {
      const twin = new RawAgent(collector.url);
      await twin.connect(agent.nodeKey);
      expect((await twin.closed()).code).toBe(4409);
    }
    const list = await events(agent.hostId);
    expect(list.filter((e) => e.kind === 'duplicate_identity')).toEqual([expect.objectContaining({ count: 3 })]);
    agent.report(1);
    expect((await agent.next((f) => f.type === 'ack')).seq).toBe(1);
    agent.ws.close();
  });
});
