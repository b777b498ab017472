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

const results = path.join(ROOT, '.vitest-results.json');
rmSync(results, { force: true });
const status = run(pn[0], [...pn.slice(1), 'exec', 'vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${results}`, ...process.argv.slice(2)], { allowFailure: true });

let summary;
try {
  const json = JSON.parse(readFileSync(results, 'utf8'));
  const skipped = (json.numPendingTests ?? 0) + (json.numTodoTests ?? 0);
  // Suites that fail to load count as failures even though they ran no test.
  const brokenSuites = (json.testResults ?? []).filter((r) => r.status === 'failed' && (r.assertionResults ?? []).length === 0).length;
  summary = `${json.numPassedTests} passed, ${json.numFailedTests + brokenSuites + (floor === 0 ? 0 : 1)} failed, ${skipped} skipped`;
} catch (err) {
  summary = `0 passed, 1 failed, 0 skipped`;
  console.error(`siaga: no vitest results (${err.message})`);
}
console.log(summary);
process.exit(status === 0 && floor === 0 ? 0 : 1);
