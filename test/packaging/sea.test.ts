import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LoggedProcess, REPO_ROOT, type RunningCollector, startAgent, startCollector } from '../harness/processes.js';
import { tempDir } from '../harness/tmp.js';
import { BUILD_TIMEOUT_MS, buildArtifacts } from './build.js';

const SECRET = 'sea-test-enroll-secret-000001';

const git = (...args: string[]) => spawnSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' });

describe('Linux single executable', () => {
  const tmp = tempDir('sea');
  let sea: string;
  let collector: RunningCollector | undefined;
  let agent: LoggedProcess | undefined;

  beforeAll(async () => {
    [sea] = (await buildArtifacts('build-sea.mjs', ['--targets', 'linux-x64'])) as [string];
  }, BUILD_TIMEOUT_MS);

  afterAll(async () => {
    await agent?.stop();
    await collector?.stop();
    tmp.remove();
  });

  it('prints its version and the commit it was built from', () => {
    const result = spawnSync(sea, ['--version'], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    const match = /^siaga-agent (\d+\.\d+\.\d+) \(([0-9a-f]{7,})\)\n$/.exec(result.stdout);
    expect(match, result.stdout).not.toBeNull();
    const commit = match![2]!;
    // The build names a commit of this repository that HEAD contains (others may commit meanwhile).
    expect(git('cat-file', '-t', commit).stdout.trim()).toBe('commit');
    expect(git('merge-base', '--is-ancestor', commit, 'HEAD').status).toBe(0);
    const version = /AGENT_VERSION = '([^']+)'/.exec(readFileSync(path.join(REPO_ROOT, 'agent/src/version.ts'), 'utf8'))?.[1];
    expect(match![1]).toBe(version);
  });

  it('installs itself into a staging root whose unit systemd-analyze verify accepts', () => {
    const root = path.join(tmp.dir, 'root');
    const secret = path.join(tmp.dir, 'secret');
    writeFileSync(secret, SECRET);
    const result = spawnSync(sea, ['install', '--root', root, '--collector', 'https://collector.example:8443', '--enroll-secret-file', secret, '--site', 'hq'], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const installed = path.join(root, 'usr/local/bin/siaga-agent');
    expect(readFileSync(installed).equals(readFileSync(sea))).toBe(true);
    expect(spawnSync(installed, ['--version'], { encoding: 'utf8' }).stdout).toBe(spawnSync(sea, ['--version'], { encoding: 'utf8' }).stdout);

    mkdirSync(path.join(root, 'lib/systemd'), { recursive: true });
    cpSync('/lib/systemd/system', path.join(root, 'lib/systemd/system'), { recursive: true });
    const verify = spawnSync('systemd-analyze', ['verify', `--root=${root}`, '/usr/local/lib/systemd/system/siaga-agent.service'], { encoding: 'utf8' });
    expect(`${verify.stdout}${verify.stderr}`.trim()).toBe('');
    expect(verify.status).toBe(0);
  });

  it('enrolls and reports to a real collector, and doctor confirms the node key, then explains a refused one', async () => {
    collector = await startCollector(tmp.dir, { enroll: { secrets: [SECRET] } });
    agent = startAgent(tmp.dir, 'ws-sea', { collector: { url: collector.url, enrollSecret: SECRET }, probes: { ping: { enabled: false } } }, { argv: [sea] });
    await agent.waitForLog('enrolled', 30_000);
    await agent.waitForLog('policy applied', 30_000);

    const doctor = (configFile: string) => spawnSync(sea, ['doctor', '--config', configFile, '--skip-probes'], { encoding: 'utf8', timeout: 60_000 });
    const running = doctor(agent.configFile);
    // The executable embeds its runtime options (packaging/lib/runtime-flags.mjs).
    expect(running.stdout.split('\n')[0]).toMatch(/ on Node\.js v24\.\d+\.\d+ --max-semi-space-size=1, config /);
    expect(running.stdout).toContain("✓ The collector accepts this computer's node key (the running agent is connected)");
    expect(running.stdout).toContain('No problems found.');
    expect(running.status).toBe(0);

    await agent.stop();
    const stateFile = path.join(agent.stateDir, 'state.json');
    const state = JSON.parse(readFileSync(stateFile, 'utf8')) as Record<string, unknown>;
    writeFileSync(stateFile, JSON.stringify({ ...state, nodeKey: 'revoked-key-AAAAAAAAAAAAAAAAAAAAAA' }));
    const refused = doctor(agent.configFile);
    expect(refused.stdout).toContain("✗ The collector refused this computer's node key (HTTP 401)");
    expect(refused.stdout).toContain('1 problem found.');
    expect(refused.status).toBe(1);
  });
});
