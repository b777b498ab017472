import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NetnsLab, netnsUnavailable } from '../harness/netns.js';

const unavailable = netnsUnavailable();
const namespaces = () => spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout;

describe.skipIf(unavailable !== undefined)(`netns lab harness${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  it('builds connected namespaces with unique names and removes them, their processes and /etc/netns files', async () => {
    const a = new NetnsLab('harness');
    const b = new NetnsLab('harness');
    try {
      expect(a.id).not.toBe(b.id);
      const left = a.namespace('left');
      const right = a.namespace('right');
      a.cable(left, 'eth0', '10.99.0.1/30', right, 'eth0', '10.99.0.2/30');
      left.resolvConf(['nameserver 10.99.0.2']);
      // Inside the namespace the lab's resolv.conf replaces the host's; only the cable's addresses exist.
      expect(left.exec(['cat', '/etc/resolv.conf']).stdout).toBe('nameserver 10.99.0.2\n');
      expect(left.exec(['ip', '-4', '-o', 'addr', 'show', 'eth0']).stdout).toContain('10.99.0.1/30');
      const sleeper = right.spawn(['sleep', '300'], 'sleeper');
      expect(sleeper.running).toBe(true);
      expect(namespaces()).toContain(left.name);

      await a.destroy();
      expect(sleeper.running).toBe(false);
      expect(namespaces()).not.toContain(left.name);
      expect(namespaces()).not.toContain(right.name);
      expect(existsSync(`/etc/netns/${left.name}`)).toBe(false);
    } finally {
      await a.destroy();
      await b.destroy();
    }
  });

  it('a namespace left behind by a dead test process is removed by the next lab', () => {
    // pid 2^22 + 1 is above the kernel's pid limit, so no process can own it.
    const stale = `siaga-4194305-beef-stale`;
    spawnSync('ip', ['netns', 'add', stale]);
    expect(namespaces()).toContain(stale);
    const lab = new NetnsLab('sweeper');
    try {
      expect(namespaces()).not.toContain(stale);
    } finally {
      lab.destroySync();
      spawnSync('ip', ['netns', 'delete', stale], { stdio: 'ignore' });
    }
  });
});
