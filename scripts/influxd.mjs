// Debian's influxd for tests and benchmarks: where it is, and the config of a private server on
// loopback ports with its data in one directory (monitoring, reporting and logs off).
import { spawnSync } from 'node:child_process';

/** Finds Debian's influxd or explains how to get it. */
export function influxdBinary() {
  const found = spawnSync('sh', ['-c', 'command -v influxd'], { encoding: 'utf8' }).stdout.trim();
  if (!found) {
    throw new Error('influxd not found: install Debian\'s "influxdb" package (apt-get install influxdb); `npm test` does this itself when run as root');
  }
  return found;
}

/**
 * influxdb.conf text for a server under `dir` listening on 127.0.0.1 only; `data` adds lines to
 * its [data] section.
 * @param {string} dir @param {{ port: number, rpcPort: number, data?: string[] }} options
 */
export function influxdConfig(dir, { port, rpcPort, data = [] }) {
  return [
    'reporting-disabled = true',
    `bind-address = "127.0.0.1:${rpcPort}"`,
    '[meta]',
    `  dir = "${dir}/meta"`,
    '[data]',
    `  dir = "${dir}/data"`,
    `  wal-dir = "${dir}/wal"`,
    '  query-log-enabled = false',
    ...data.map((line) => `  ${line}`),
    '[monitor]',
    '  store-enabled = false',
    '[http]',
    `  bind-address = "127.0.0.1:${port}"`,
    '  log-enabled = false',
    '[subscriber]',
    '  enabled = false',
    '',
  ].join('\n');
}
