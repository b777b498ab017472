import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostByName } from '../harness/api.js';
import { LoopbackProxy } from '../harness/tcp-proxy.js';
import { waitFor } from '../harness/ports.js';
import { COLLECTOR_CLI, REPO_ROOT, type RunningCollector, startCollector } from '../harness/processes.js';
import { tempDir } from '../harness/tmp.js';
import { BUILD_TIMEOUT_MS, buildArtifacts } from './build.js';
import { Supervisor } from './supervisor.js';

const SECRET = 'update-test-enroll-secret-0001';
/** The second build: the same sources bundled as another version. */
const NEXT = '0.1.1-update.test';
const NEXT_OUT = path.join(REPO_ROOT, '.cache', 'packaging', 'test-builds', NEXT);
const EXE = 'siaga-agent-linux-x64';

const collectorCli = (...args: string[]) => {
  const result = spawnSync(process.execPath, [COLLECTOR_CLI, ...args], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`siaga-collector ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
};

/** A release key pair made by the collector's CLI: the private key file and the public key it prints. */
function releaseKey(dir: string, name: string): { file: string; publicKey: string } {
  const file = path.join(dir, `${name}.key`);
  const out = collectorCli('release', 'keygen', '--out', file);
  const publicKey = /public key:\s+(\S+)/.exec(out)?.[1];
  if (!publicKey) throw new Error(`no public key in: ${out}`);
  return { file, publicKey };
}

describe.runIf(process.platform === 'linux' && process.arch === 'x64')('automatic agent update with the Linux executable', () => {
  const tmp = tempDir('update');
  const collectors: RunningCollector[] = [];
  const agents: Supervisor[] = [];
  const proxies: LoopbackProxy[] = [];
  let current: string;
  let currentVersion: string;
  let trusted: { file: string; publicKey: string };
  let untrusted: { file: string; publicKey: string };

  beforeAll(async () => {
    [current] = (await buildArtifacts('build-sea.mjs', ['--targets', 'linux-x64'])) as [string];
    await buildArtifacts('build-sea.mjs', ['--targets', 'linux-x64', '--version', NEXT, '--out', NEXT_OUT]);
    currentVersion = /^siaga-agent (\S+) /.exec(spawnSync(current, ['--version'], { encoding: 'utf8' }).stdout)?.[1] ?? '';
    trusted = releaseKey(tmp.dir, 'release');
    untrusted = releaseKey(tmp.dir, 'other');
  }, BUILD_TIMEOUT_MS);

  afterAll(async () => {
    await Promise.all(agents.map((a) => a.stop()));
    await Promise.all(collectors.map((c) => c.stop()));
    await Promise.all(proxies.map((p) => p.stop()));
    tmp.remove();
  });

  /** A packages folder holding NEXT signed with `key` (the build output is signed as is); made once per name. */
  function packages(name: string, key: { file: string }): string {
    const dir = path.join(tmp.dir, name);
    if (!existsSync(dir)) collectorCli('release', 'sign', '--key', key.file, '--from', NEXT_OUT, '--to', dir);
    return dir;
  }

  async function collector(name: string, packagesDir: string): Promise<RunningCollector> {
    const dir = path.join(tmp.dir, name);
    mkdirSync(dir, { recursive: true });
    const policyFile = path.join(dir, 'policy.yaml');
    writeFileSync(policyFile, YAML.stringify({ defaults: { interval: 2 } }));
    const c = await startCollector(dir, {
      enroll: { secrets: [SECRET] },
      policyFile,
      packages: { dir: packagesDir },
      // The site's hosts run NEXT; everyone else stays where they are.
      updates: { default: 'none', pins: [{ select: { sites: ['hq'] }, version: NEXT }] },
    });
    collectors.push(c);
    return c;
  }

  /** Installs the current build with `install --root` and runs it from the installed `current` link under a supervisor. */
  function installAndRun(name: string, collectorUrl: string, confirmTimeoutSec = 120): { agent: Supervisor; programDir: string; stateDir: string } {
    const root = path.join(tmp.dir, `${name}-root`);
    const secret = path.join(tmp.dir, `${name}-secret`);
    writeFileSync(secret, SECRET);
    const installed = spawnSync(current, ['install', '--root', root, '--collector', collectorUrl, '--enroll-secret-file', secret, '--site', 'hq', '--release-key', trusted.publicKey], { encoding: 'utf8' });
    expect(installed.stderr).toBe('');
    expect(installed.status).toBe(0);
    expect(readFileSync(path.join(root, 'etc/siaga/release-key.pub'), 'utf8').trim()).toBe(trusted.publicKey);
    // The staged config names the live system's paths; this one keeps state in the test's folder.
    const stateDir = path.join(tmp.dir, `${name}-state`);
    const configFile = path.join(tmp.dir, `${name}.yaml`);
    writeFileSync(
      configFile,
      YAML.stringify({
        collector: { url: collectorUrl, enrollSecretFile: secret },
        stateDir,
        identity: { hostname: name },
        labels: { site: 'hq' },
        probes: { ping: { enabled: false } },
        update: { publicKeyFile: path.join(root, 'etc/siaga/release-key.pub'), confirmTimeoutSec },
      }),
    );
    const programDir = path.join(root, 'usr/local/lib/siaga-agent');
    const agent = new Supervisor(path.join(programDir, 'current', 'siaga-agent'), ['run', '--config', configFile]);
    agents.push(agent);
    agent.start();
    return { agent, programDir, stateDir };
  }

  /** The collector's log of the host's hellos with this agent version. */
  const hellos = (c: RunningCollector, hostname: string, version: string) => c.lines.filter((l) => l.msg === 'agent connected' && l.hostname === hostname && l.agentVersion === version);
  const connected = (c: RunningCollector, hostname: string, version: string, count = 1) =>
    waitFor(() => (hellos(c, hostname, version).length >= count ? true : undefined), `${hostname} to connect as ${version}`, 90_000).catch((err: Error) => {
      throw new Error(`${err.message}\n${c.tail()}`);
    });

  /** Reports keep arriving: the host's last stored seq grows. */
  async function keepsReporting(c: RunningCollector, hostname: string): Promise<void> {
    const before = (await hostByName(c.url, hostname))?.lastSeq ?? 0;
    await waitFor(async () => ((await hostByName(c.url, hostname))?.lastSeq ?? 0) > before || undefined, `${hostname} to keep reporting`, 30_000, 250);
  }

  it('replaces itself with the newer signed build the collector offers and reconnects as that version', async () => {
    const c = await collector('good', packages('packages-good', trusted));
    const { agent, programDir, stateDir } = installAndRun('ws-update', c.url);
    const before = readlinkSync(path.join(programDir, 'current'));
    await connected(c, 'ws-update', currentVersion);
    await agent.waitForLog('update installed: restarting into the new version', 90_000);
    await c.waitForLog('agent said goodbye', 30_000);
    expect(c.lines.find((l) => l.msg === 'agent said goodbye')?.reason).toBe('update');
    await connected(c, 'ws-update', NEXT);
    await agent.waitForLog('update confirmed: the collector welcomed the new version', 30_000);
    const after = readlinkSync(path.join(programDir, 'current'));
    expect(after.startsWith(`${NEXT}-`)).toBe(true);
    expect(spawnSync(path.join(programDir, 'current', 'siaga-agent'), ['--version'], { encoding: 'utf8' }).stdout.startsWith(`siaga-agent ${NEXT} (`)).toBe(true);
    // The previous version stays for a rollback; no staging left behind; the probation is over.
    expect(readdirSync(programDir).sort()).toEqual([after, before, 'current'].sort());
    expect(existsSync(path.join(stateDir, 'update-pending.json'))).toBe(false);
    expect(agent.exits).toEqual([{ run: 1, code: 75 }]);
    await keepsReporting(c, 'ws-update');
    expect(agent.runs).toBe(2);
  }, 240_000);

  it('refuses a build signed with another key and one whose bytes differ from the signed hash, and keeps running the old version', async () => {
    const badSignature = await collector('bad-signature', packages('packages-bad-signature', untrusted));
    const tampered = packages('packages-bad-hash', trusted);
    const file = path.join(tampered, 'releases', NEXT, EXE);
    // Same size, one byte different: the manifest still looks right to the collector.
    const bytes = readFileSync(file);
    bytes[4096] = (bytes[4096] ?? 0) ^ 0xff;
    writeFileSync(file, bytes);
    const badHash = await collector('bad-hash', tampered);

    const sig = installAndRun('ws-bad-signature', badSignature.url);
    const hash = installAndRun('ws-bad-hash', badHash.url);
    const refusedSig = await sig.agent.waitForLog('update refused', 60_000);
    expect(refusedSig.reason).toBe("its signature does not verify with this agent's release key");
    const refusedHash = await hash.agent.waitForLog('update refused', 90_000);
    expect(refusedHash.reason).toMatch(/^the download's SHA-256 is [0-9a-f]{64}, the signed one is [0-9a-f]{64}$/);

    // The collector hears why, and the hosts keep reporting on the version they had.
    await badSignature.waitForLog(`agent reported: update to ${NEXT} refused: its signature does not verify with this agent's release key`, 30_000);
    await badHash.waitForLog(/^agent reported: update to 0\.1\.1-update\.test refused: the download's SHA-256 is/, 30_000);
    for (const [c, a, name] of [[badSignature, sig, 'ws-bad-signature'], [badHash, hash, 'ws-bad-hash']] as const) {
      await keepsReporting(c, name);
      expect(readlinkSync(path.join(a.programDir, 'current')).startsWith(`${currentVersion}-`)).toBe(true);
      expect(readdirSync(a.programDir).filter((d) => d.startsWith('.staging'))).toEqual([]);
      expect(a.agent.exits).toEqual([]);
    }

    // A restarted agent remembers the refusal: the same build is not tried again.
    for (const a of [sig, hash]) {
      a.agent.kill();
      await a.agent.waitForLog('not trying this build again yet', 60_000, (l) => l.run === 2);
      expect(a.agent.lines.filter((l) => l.msg === 'update refused').map((l) => l.run)).toEqual([1]);
    }
  }, 300_000);

  it('rolls a new version that cannot reach the collector back to the old one after the deadline, which then stays', async () => {
    const c = await collector('rollback', packages('packages-good', trusted));
    const proxy = new LoopbackProxy(c.port);
    proxies.push(proxy);
    const url = await proxy.start();
    const { agent, programDir, stateDir } = installAndRun('ws-rollback', url, 8);
    const before = readlinkSync(path.join(programDir, 'current'));
    // After the update exit the collector becomes unreachable; after the rollback exit it is back.
    agent.beforeRestart = ({ run }) => {
      if (run === 1) proxy.close();
      else proxy.reopen();
    };
    await agent.waitForLog('update installed: restarting into the new version', 90_000);
    const probation = await agent.waitForLog('new version on probation: it is rolled back unless the collector welcomes it', 30_000);
    expect(probation.run).toBe(2);
    const rolling = await agent.waitForLog('rolling back the update', 30_000);
    expect(rolling).toMatchObject({ run: 2, reason: 'no welcome from the collector within 8 s' });
    const rolledBack = await agent.waitForLog('update rolled back', 30_000);
    expect(rolledBack.run).toBe(3);
    expect(readlinkSync(path.join(programDir, 'current'))).toBe(before);
    await c.waitForLog(`agent reported: update to ${NEXT} rolled back to ${currentVersion}: no welcome from the collector within 8 s`, 30_000);
    await connected(c, 'ws-rollback', currentVersion, 2);
    expect(hellos(c, 'ws-rollback', NEXT)).toEqual([]);
    // The collector still offers the build; the old version does not take it again.
    await agent.waitForLog('not trying this build again yet', 30_000, (l) => l.run === 3);
    await keepsReporting(c, 'ws-rollback');
    expect(agent.runs).toBe(3);
    expect(existsSync(path.join(stateDir, 'update-pending.json'))).toBe(false);
  }, 240_000);
});
