import { writeFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, hostByName, waitForVerdict } from './harness/api.js';
import { waitFor } from './harness/ports.js';
import { type LoggedProcess, type RunningCollector, startAgent, startCollector } from './harness/processes.js';
import { tempDir } from './harness/tmp.js';

const SECRET = 'inventory-test-secret-0001';
const HOST = 'ws-inventory';

interface InventoryView {
  hash: string;
  hardware: { os?: { name?: string } };
  software: Array<{ name: string; version?: string; source?: string }>;
}

describe('inventory end to end (real agent on this Debian machine)', () => {
  const tmp = tempDir('inventory');
  const policyFile = path.join(tmp.dir, 'policy.yaml');
  let collector: RunningCollector;
  let agent: LoggedProcess;

  beforeAll(async () => {
    writeFileSync(
      policyFile,
      YAML.stringify({
        policies: [{ name: 'software', checks: { software: { required: [{ name: 'dpkg', minVersion: '1.0' }], forbidden: [{ name: 'coreutils' }] } } }],
      }),
    );
    collector = await startCollector(tmp.dir, { enroll: { secrets: [SECRET] }, policyFile });
    agent = startAgent(tmp.dir, HOST, { collector: { url: collector.url, enrollSecret: SECRET } });
  });

  afterAll(async () => {
    await agent?.stop();
    await collector?.stop();
    tmp.remove();
  });

  it('stores the hardware and installed packages with versions', async () => {
    const host = await waitFor(() => hostByName(collector.url, HOST), 'the host');
    const inv = await waitFor(async () => {
      const res = await collector.api(`/v1/hosts/${host.id}/inventory`);
      return res.ok ? ((await res.json()) as InventoryView) : undefined;
    }, 'an inventory', 60_000, 250);
    const dpkg = inv.software.find((s) => s.name === 'dpkg');
    expect(dpkg?.source).toBe('dpkg');
    expect(dpkg?.version).toMatch(/^\d+\.\d+/);
    expect(inv.software.length).toBeGreaterThan(50);
    expect(inv.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('judges required and forbidden software from the inventory, with reasons', async () => {
    const h = await waitForVerdict(collector.url, HOST, 'not_ready', 30_000);
    expect(h.reasons).toEqual([expect.objectContaining({ check: 'software_forbidden', instance: 'coreutils', reason: expect.stringMatching(/^Forbidden software installed: coreutils \d/) })]);
    const detail = await getJson<{ checks: Array<{ name: string; status: string; reason: string }> }>(`${collector.url}/v1/hosts/${h.id}`);
    expect(detail.checks).toContainEqual(expect.objectContaining({ name: 'software_required', status: 'pass', reason: expect.stringMatching(/^dpkg \d/) }));

    // Dropping the rule from the policy clears the verdict without a new inventory.
    writeFileSync(policyFile, YAML.stringify({ policies: [{ name: 'software', checks: { software: { required: [{ name: 'dpkg' }] } } }] }));
    await waitForVerdict(collector.url, HOST, 'ready', 30_000);
  });

  it('does not send an unchanged inventory again after a restart', async () => {
    await agent.stop();
    agent = startAgent(tmp.dir, HOST, { collector: { url: collector.url, enrollSecret: SECRET } });
    await agent.waitForLog('agent started');
    await waitFor(() => (collector.lines.filter((l) => l.msg === 'agent connected').length >= 2 ? true : undefined), 'the agent to reconnect');
    await agent.waitForLog('inventory unchanged; not sent', 30_000);
    expect(collector.lines.filter((l) => l.msg === 'inventory stored')).toHaveLength(1);
  });
});
