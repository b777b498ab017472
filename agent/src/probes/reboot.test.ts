import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { probeContext, scriptedRunner } from '../testing/probe-context.testutil.js';
import { createRebootProbe, rebootProbe } from './reboot.js';

const config = (over: Record<string, unknown> = {}) => rebootProbe.configSchema.parse(over);
const CBS = 'reg query HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based Servicing\\RebootPending';
const WU = 'reg query HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\WindowsUpdate\\Auto Update\\RebootRequired';
let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('pending reboot', () => {
  it('follows the reboot-required flag file on Linux, re-checked after the interval', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'siaga-reboot-'));
    const flagFile = path.join(dir, 'reboot-required');
    const probe = createRebootProbe([flagFile]);
    const clock = { t: 1_700_000_000_000 };
    const ctx = probeContext({ platform: 'linux', clock });
    expect(await probe.collect(ctx, config({ intervalSec: 60 }))).toEqual([{ m: 'system', fields: { pending_reboot: 0 } }]);
    await writeFile(flagFile, '*** System restart required ***\n');
    expect((await probe.collect(ctx, config({ intervalSec: 60 })))[0]?.fields.pending_reboot).toBe(0); // cached
    clock.t += 61_000;
    expect((await probe.collect(ctx, config({ intervalSec: 60 })))[0]?.fields.pending_reboot).toBe(1);
  });

  it('reads the real flag files of this machine', async () => {
    const expected = existsSync('/run/reboot-required') || existsSync('/var/run/reboot-required') ? 1 : 0;
    expect(await rebootProbe.collect(probeContext({ platform: 'linux' }), config())).toEqual([{ m: 'system', fields: { pending_reboot: expected } }]);
  });

  it('asks the registry on Windows: an existing key means a pending reboot', async () => {
    const none = scriptedRunner({ [CBS]: { code: 1 }, [WU]: { code: 1 } });
    expect(await rebootProbe.collect(probeContext({ platform: 'win32', run: none }), config())).toEqual([{ m: 'system', fields: { pending_reboot: 0 } }]);
    const update = scriptedRunner({ [CBS]: { code: 1 }, [WU]: { code: 0, stdout: '\r\nHKEY_LOCAL_MACHINE\\...\\RebootRequired\r\n' } });
    expect(await rebootProbe.collect(probeContext({ platform: 'win32', run: update }), config())).toEqual([{ m: 'system', fields: { pending_reboot: 1 } }]);
    expect(update.calls).toHaveLength(2);
    await expect(rebootProbe.collect(probeContext({ platform: 'win32', run: scriptedRunner({}) }), config())).rejects.toThrow('reg.exe not found');
  });

  it('reports nothing on macOS', async () => {
    expect(await rebootProbe.collect(probeContext({ platform: 'darwin', run: scriptedRunner({}) }), config())).toEqual([]);
  });
});
