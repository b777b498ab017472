import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningCollector, startCollector } from '../harness/processes.js';
import { tempDir } from '../harness/tmp.js';
import { ARTIFACTS, BUILD_TIMEOUT_MS, buildArtifacts } from './build.js';

const SECRET = 'downloads-test-enroll-secret-01';

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** The copy-paste line of /v1/install that starts with `prefix`. */
function lineOf(page: string, prefix: string): string {
  const line = page.split('\n').find((l) => l.startsWith(prefix));
  if (!line) throw new Error(`no line starting with ${prefix} in:\n${page}`);
  return line;
}

describe('the collector as the source of agent installations', () => {
  const tmp = tempDir('downloads');
  let collector: RunningCollector;

  beforeAll(async () => {
    await buildArtifacts('build-sea.mjs', ['--targets', 'linux-x64']);
    collector = await startCollector(tmp.dir, { enroll: { secrets: [SECRET] }, packages: { dir: ARTIFACTS } });
  }, BUILD_TIMEOUT_MS);

  afterAll(async () => {
    await collector?.stop();
    tmp.remove();
  });

  it('installs an agent with the curl | sh line /v1/install prints, fetching everything from the collector', () => {
    const page = spawnSync('curl', ['-fsS', `${collector.url}/v1/install?site=hq&group=finance`], { encoding: 'utf8' });
    expect(page.status).toBe(0);
    expect(page.stdout).not.toContain(SECRET);
    const line = lineOf(page.stdout, 'curl -fsSL ');
    expect(line).toBe(`curl -fsSL '${collector.url}/downloads/install.sh' | sudo SIAGA_ENROLL_SECRET='<enroll-secret>' sh -s -- --collector '${collector.url}' --site hq --group finance`);
    // As an administrator would run it, into a staging root instead of this machine (we are root: no sudo).
    const root = path.join(tmp.dir, 'root');
    const command = `${line.replace("'<enroll-secret>'", `'${SECRET}'`).replace('| sudo ', '| ')} --root ${root}`;
    const run = spawnSync('sh', ['-c', command], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain(`staged a linux installation under ${root}`);
    expect(run.status).toBe(0);
    expect(sha256(path.join(root, 'usr/local/bin/siaga-agent'))).toBe(sha256(path.join(ARTIFACTS, 'siaga-agent-linux-x64')));
    const config = YAML.parse(readFileSync(path.join(root, 'etc/siaga/agent.yaml'), 'utf8')) as Record<string, unknown>;
    expect(config).toMatchObject({ collector: { url: collector.url }, labels: { site: 'hq', group: 'finance' } });
    expect(readFileSync(path.join(root, 'etc/siaga/enroll-secret'), 'utf8')).toBe(`${SECRET}\n`);
  });

  it('serves the packages the page names, byte for byte as SHA256SUMS lists them', () => {
    const page = spawnSync('curl', ['-fsS', `${collector.url}/v1/install`], { encoding: 'utf8' }).stdout;
    const sums = new Map(
      readFileSync(path.join(ARTIFACTS, 'SHA256SUMS'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => l.split(/\s+/).reverse() as [string, string]),
    );
    const dir = path.join(tmp.dir, 'fetched');
    mkdirSync(dir);
    const named = [...page.matchAll(/\/downloads\/(siaga-agent[^'" ]+)/g)].map((m) => m[1] as string);
    expect(named.length).toBeGreaterThan(0);
    for (const name of [...new Set(named)]) {
      const got = spawnSync('curl', ['-fsS', '-o', path.join(dir, name), `${collector.url}/downloads/${name}`]);
      expect(got.status, name).toBe(0);
      expect(sha256(path.join(dir, name)), name).toBe(sums.get(name));
    }
  });
});
