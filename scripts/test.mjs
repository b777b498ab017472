// The whole test suite: installs what it needs, builds, runs vitest and prints the closing
// line CI reads: "N passed, N failed, N skipped".
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { debianPackages, installAndBuild, ROOT, run } from './setup.mjs';

debianPackages({
  influxd: 'influxdb',
  ip: 'iproute2',
  '/usr/sbin/dnsmasq': 'dnsmasq-base',
  ping: 'iputils-ping',
  openssl: 'openssl',
  smartctl: 'smartmontools',
  chromium: 'chromium',
  // Packaging tests: the MSI, its tables, Authenticode tooling, unit verification, the .deb.
  wixl: 'wixl',
  msiinfo: 'msitools',
  osslsigncode: 'osslsigncode',
  'systemd-analyze': 'systemd',
  'dpkg-deb': 'dpkg',
});
const pn = installAndBuild();
// Installed versions above the security floor; `pnpm audit` where the registry answers it.
const floor = run(process.execPath, ['scripts/deps-floor.mjs'], { allowFailure: true });

/**
 * Runs vitest once per phase: everything else in parallel, then the latency-measuring
 * `*.serial.test.ts` suites alone. Arguments (file filters) run everything in one go.
 */
function vitest(phase, file) {
  rmSync(file, { force: true });
  const args = ['exec', 'vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${file}`, '--passWithNoTests', ...process.argv.slice(2)];
  const status = run(pn[0], [...pn.slice(1), ...args], { allowFailure: true, env: { ...process.env, SIAGA_TEST_PHASE: phase } });
  try {
    const json = JSON.parse(readFileSync(file, 'utf8'));
    // Suites that fail to load count as failures even though they ran no test.
    const broken = (json.testResults ?? []).filter((r) => r.status === 'failed' && (r.assertionResults ?? []).length === 0).length;
    return { status, passed: json.numPassedTests, failed: json.numFailedTests + broken, skipped: (json.numPendingTests ?? 0) + (json.numTodoTests ?? 0) };
  } catch (err) {
    console.error(`siaga: no vitest results for the ${phase} phase (${err.message})`);
    return { status: 1, passed: 0, failed: 1, skipped: 0 };
  }
}

const phases = process.argv.length > 2 ? ['all'] : ['parallel', 'serial'];
const runs = phases.map((phase) => vitest(phase, path.join(ROOT, `.vitest-results-${phase}.json`)));
const total = (key) => runs.reduce((n, r) => n + r[key], 0);
console.log(`${total('passed')} passed, ${total('failed') + (floor === 0 ? 0 : 1)} failed, ${total('skipped')} skipped`);
process.exit(runs.every((r) => r.status === 0) && floor === 0 ? 0 : 1);
