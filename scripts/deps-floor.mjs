// Dependency floor: fails when any installed copy of a security-relevant package is older than
// the version that fixed a known problem, then runs `pnpm audit --audit-level high`. An audit the
// registry cannot answer is reported and skipped, not failed; accepted advisories are listed in
// scripts/audit-exceptions.json (and explained in docs/security.md).
//
//   node scripts/deps-floor.mjs            floors, then the audit
//   node scripts/deps-floor.mjs --no-audit floors only (offline)
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Package → lowest acceptable version. */
export const FLOORS = {
  ws: '8.21.1',
  systeminformation: '5.31.7',
  express: '5.2.1',
};

/** Compares x.y.z[-pre] versions; a pre-release sorts before its release. */
export function compareVersions(a, b) {
  const parse = (v) => {
    const [core, pre] = v.split('-', 2);
    return { nums: core.split('.').map((n) => Number.parseInt(n, 10) || 0), pre };
  };
  const x = parse(a);
  const y = parse(b);
  for (let i = 0; i < 3; i++) {
    const d = (x.nums[i] ?? 0) - (y.nums[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  if (x.pre && !y.pre) return -1;
  if (!x.pre && y.pre) return 1;
  return 0;
}

/** Every installed version of each package: pnpm's store directory names, else the workspaces' node_modules. */
export function installedVersions(root = ROOT, names = Object.keys(FLOORS)) {
  const found = Object.fromEntries(names.map((n) => [n, new Set()]));
  const store = path.join(root, 'node_modules', '.pnpm');
  if (existsSync(store)) {
    for (const entry of readdirSync(store)) {
      // `ws@8.23.0`, `express@5.3.0_supports-color@8.1.1` (peer suffix after `_`).
      const m = /^([^@+][^@]*)@([0-9][^_(]*)/.exec(entry);
      if (m && m[1] in found) found[m[1]].add(m[2]);
    }
  }
  const workspaces = ['', 'shared', 'agent', 'collector', 'test', 'bench', 'dashboards'];
  for (const ws of workspaces) {
    for (const name of names) {
      const file = path.join(root, ws, 'node_modules', name, 'package.json');
      if (existsSync(file)) found[name].add(JSON.parse(readFileSync(file, 'utf8')).version);
    }
  }
  return Object.fromEntries(Object.entries(found).map(([n, s]) => [n, [...s].sort(compareVersions)]));
}

export function checkFloors(versions, floors = FLOORS) {
  const problems = [];
  for (const [name, floor] of Object.entries(floors)) {
    const list = versions[name] ?? [];
    if (list.length === 0) problems.push(`${name}: not installed (floor ${floor}); run pnpm install`);
    for (const v of list) if (compareVersions(v, floor) < 0) problems.push(`${name}@${v} is below the floor ${floor}`);
  }
  return problems;
}

/** `{ status: 'ok' | 'failed' | 'unavailable', message }` from `pnpm audit --json`'s output. */
export function judgeAudit(stdout, exceptions = []) {
  let report;
  try {
    report = JSON.parse(stdout);
  } catch {
    return { status: 'unavailable', message: 'pnpm audit gave no JSON answer (no network or registry?)' };
  }
  if (report.error) {
    return { status: 'unavailable', message: `the registry cannot answer the audit (${report.error.code ?? 'error'}: ${String(report.error.message ?? '').slice(0, 300)})` };
  }
  const accepted = new Set(exceptions.map((e) => String(e.id)));
  const serious = Object.values(report.advisories ?? {}).filter((a) => a.severity === 'high' || a.severity === 'critical');
  const open = serious.filter((a) => !accepted.has(String(a.github_advisory_id)) && !accepted.has(String(a.id)));
  if (open.length === 0) return { status: 'ok', message: `no open high or critical advisories (${serious.length - open.length} accepted exception(s))` };
  return {
    status: 'failed',
    message: open.map((a) => `${a.severity} ${a.github_advisory_id ?? a.id} in ${a.module_name} ${a.vulnerable_versions ?? ''}: ${a.title} (patched: ${a.patched_versions ?? 'none'})`).join('\n'),
  };
}

function audit() {
  const exceptionsFile = path.join(ROOT, 'scripts', 'audit-exceptions.json');
  const exceptions = existsSync(exceptionsFile) ? JSON.parse(readFileSync(exceptionsFile, 'utf8')) : [];
  const result = spawnSync('pnpm', ['audit', '--audit-level', 'high', '--json'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  if (result.error) return { status: 'unavailable', message: `pnpm audit could not run: ${result.error.message}` };
  return judgeAudit(result.stdout, exceptions);
}

function main() {
  const versions = installedVersions();
  const problems = checkFloors(versions);
  for (const [name, list] of Object.entries(versions)) console.log(`deps-floor: ${name} ${list.join(', ') || '-'} (floor ${FLOORS[name]})`);
  if (problems.length > 0) {
    for (const p of problems) console.error(`deps-floor: ${p}`);
    return 1;
  }
  if (process.argv.includes('--no-audit')) return 0;
  const verdict = audit();
  if (verdict.status === 'unavailable') console.warn(`deps-floor: AUDIT SKIPPED: ${verdict.message}. Run \`pnpm audit --audit-level high\` where the registry supports it.`);
  else if (verdict.status === 'ok') console.log(`deps-floor: audit: ${verdict.message}`);
  else console.error(`deps-floor: audit found open advisories (accept one only by listing it in scripts/audit-exceptions.json and docs/security.md):\n${verdict.message}`);
  return verdict.status === 'failed' ? 1 : 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = main();
