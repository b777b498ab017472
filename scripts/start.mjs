// The main job on one machine: a collector on its embedded store (SQLite, no external server)
// plus one local agent reporting over loopback. Ctrl-C stops both.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { installAndBuild, ROOT } from './setup.mjs';

installAndBuild();

const demo = path.join(ROOT, '.siaga', 'demo');
mkdirSync(demo, { recursive: true, mode: 0o700 });
const secretFile = path.join(demo, 'enroll-secret');
if (!existsSync(secretFile)) writeFileSync(secretFile, randomBytes(24).toString('base64url'), { mode: 0o600 });
const secret = readFileSync(secretFile, 'utf8').trim();
const port = Number(process.env.SIAGA_PORT ?? 8080);
const base = `http://127.0.0.1:${port}`;

// The shipped default policy, pointed at this demo: the collector's own port stands in for a
// business application, and a demo folder with a fresh file stands in for the backup target.
const backups = path.join(demo, 'backups');
mkdirSync(backups, { recursive: true });
writeFileSync(path.join(backups, 'last-backup.marker'), new Date().toISOString());
const policy = readFileSync(path.join(ROOT, 'collector/policies/default.yaml'), 'utf8')
  .replace('http://127.0.0.1:8080/healthz', `${base}/healthz`)
  .replace('paths: [/var/backups]', `paths: [${JSON.stringify(backups)}]`);
writeFileSync(path.join(demo, 'policy.yaml'), policy);

const collectorConfig = [
  `listen: { host: 127.0.0.1, port: ${port} }`,
  'dataDir: ./collector-data',
  'policyFile: ./policy.yaml',
  `enroll: { secrets: ["${secret}"] }`,
  ...(process.env.SIAGA_INFLUX_URL ? [`influx: { url: "${process.env.SIAGA_INFLUX_URL}", database: siaga }`] : []),
  '',
].join('\n');
writeFileSync(path.join(demo, 'collector.yaml'), collectorConfig);
writeFileSync(
  path.join(demo, 'agent.yaml'),
  [`collector: { url: "${base}", enrollSecretFile: ./enroll-secret }`, 'stateDir: ./agent-state', 'labels: { site: demo, group: office }', ''].join('\n'),
);

function launch(name, args) {
  const log = createWriteStream(path.join(demo, `${name}.log`), { flags: 'a' });
  const child = spawn(process.execPath, args, { cwd: demo, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  child.stderr.on('data', (d) => process.stderr.write(`[${name}] ${d}`));
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`siaga: ${name} stopped (${signal ?? code}); see ${path.join(demo, `${name}.log`)}`);
      stop(1);
    }
  });
  return child;
}

let stopping = false;
const children = [];
function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const c of children) c.kill('SIGTERM');
  setTimeout(() => process.exit(code), 1500).unref();
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

async function until(probe, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value) return value;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return undefined;
}

// The board and API need a signed-in user: the collector makes `admin` on its first start.
const adminPasswordFile = path.join(demo, 'collector-data', 'initial-admin-password');
let session = '';
async function signIn() {
  if (!existsSync(adminPasswordFile)) return;
  const password = readFileSync(adminPasswordFile, 'utf8').trim();
  const res = await fetch(`${base}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'admin', password }) });
  session = res.ok ? (res.headers.get('set-cookie') ?? '').split(';')[0] : '';
}
const api = (p) => fetch(`${base}${p}`, { headers: session ? { cookie: session } : {} });

children.push(launch('collector', [path.join(ROOT, 'collector/dist/cli.js'), '--config', 'collector.yaml']));
const healthy = await until(async () => (await fetch(`${base}/healthz`)).ok, 15_000);
if (!healthy) {
  console.error(`siaga: the collector did not come up on ${base}; see ${path.join(demo, 'collector.log')}`);
  stop(1);
} else {
  await signIn();
  children.push(launch('agent', [path.join(ROOT, 'agent/dist/cli.js'), 'run', '--config', 'agent.yaml']));
  const hosts = await until(async () => {
    const body = await (await api('/v1/hosts')).json();
    return body.hosts.some((h) => h.lastSeq > 0) ? body.hosts : undefined;
  }, 20_000);
  console.log('');
  console.log(`siaga is running: collector ${base} (state in ${demo})`);
  console.log(`  board:   ${base}/ (sign in as admin, password in ${adminPasswordFile})`);
  console.log(`  hosts:   ${base}/v1/hosts`);
  console.log(`  summary: ${base}/v1/fleet/summary`);
  console.log(`  policy:  ${path.join(demo, 'policy.yaml')} (edit it: agents pick changes up at once)`);
  console.log(`  health:  ${base}/healthz`);
  if (hosts) {
    // Give the first checks a moment to run so the verdict printed is the real one.
    await new Promise((r) => setTimeout(r, 3000));
    const { hosts: judged } = await (await api('/v1/hosts')).json();
    for (const h of judged) {
      console.log(`  host ${h.hostname}: ${h.verdict}${h.reasons.length ? ` — ${h.reasons.map((r) => r.reason).join('; ')}` : ''}`);
    }
  }
  else console.log('  the local agent has not reported yet; see agent.log');
  console.log('Press Ctrl-C to stop.');
}
