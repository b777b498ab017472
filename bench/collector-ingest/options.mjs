// Command-line options of the collector-ingest benchmark.
import { parseArgs } from 'node:util';

const positive = (text, name, { integer = true } = {}) => {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) throw new Error(`--${name}: expected a positive ${integer ? 'whole ' : ''}number (got ${JSON.stringify(text)})`);
  return n;
};

const wholeOrZero = (text, name) => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name}: expected whole seconds, 0 or more (got ${JSON.stringify(text)})`);
  return n;
};

/**
 * Defaults match the targets: 15,000 agents at 15 s held for 5 minutes. `--quick` is for
 * development: 1,500 agents, one minute, short saturation and ceiling, same storm.
 */
export function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      agents: { type: 'string' },
      minutes: { type: 'string' },
      interval: { type: 'string', default: '15' },
      warmup: { type: 'string' },
      'saturation-sec': { type: 'string' },
      'saturation-interval': { type: 'string', default: '1' },
      'ceiling-sec': { type: 'string' },
      'per-site': { type: 'string', default: '250' },
      'per-worker': { type: 'string', default: '5000' },
      'storm-timeout': { type: 'string', default: '300' },
      quick: { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      'no-saturation': { type: 'boolean', default: false },
      'no-storm': { type: 'boolean', default: false },
      'log-level': { type: 'string', default: 'info' },
      'node-flags': { type: 'string', default: '' },
      'influx-concurrency': { type: 'string', default: '4' },
      'influxd-nice': { type: 'string', default: '0' },
      'influxd-wal-fsync-delay': { type: 'string', default: '0s' },
      'status-heartbeat': { type: 'string' },
      keep: { type: 'boolean', default: false },
    },
    strict: false,
    allowPositionals: true,
  });
  const quick = values.quick === true;
  const opts = {
    quick,
    agents: positive(values.agents ?? (quick ? '1500' : '15000'), 'agents'),
    minutes: positive(values.minutes ?? (quick ? '1' : '5'), 'minutes', { integer: false }),
    intervalSec: positive(values.interval, 'interval'),
    warmupSec: positive(values.warmup ?? (quick ? '20' : '45'), 'warmup'),
    saturationSec: positive(values['saturation-sec'] ?? (quick ? '30' : '120'), 'saturation-sec'),
    saturationIntervalSec: positive(values['saturation-interval'], 'saturation-interval', { integer: false }),
    ceilingSec: positive(values['ceiling-sec'] ?? (quick ? '10' : '30'), 'ceiling-sec'),
    perSite: positive(values['per-site'], 'per-site'),
    perWorker: positive(values['per-worker'], 'per-worker'),
    stormTimeoutSec: positive(values['storm-timeout'], 'storm-timeout'),
    profile: values.profile === true,
    saturation: values['no-saturation'] !== true,
    storm: values['no-storm'] !== true,
    logLevel: values['log-level'],
    nodeFlags: values['node-flags'].split(/\s+/).filter(Boolean),
    influxConcurrency: positive(values['influx-concurrency'], 'influx-concurrency'),
    influxdNice: wholeOrZero(values['influxd-nice'], 'influxd-nice'),
    influxdWalFsyncDelay: values['influxd-wal-fsync-delay'],
    statusHeartbeat: values['status-heartbeat'] === undefined ? undefined : wholeOrZero(values['status-heartbeat'], 'status-heartbeat'),
    keep: values.keep === true,
  };
  if (!/^\d+(ms|s)$/.test(opts.influxdWalFsyncDelay)) throw new Error('--influxd-wal-fsync-delay: a duration such as 0s or 100ms');
  if (opts.influxdNice > 19) throw new Error('--influxd-nice: 0 to 19');
  if (opts.perWorker > 9_000) throw new Error('--per-worker: at most 9000 sockets per process (the open-file limit here is 20,000 and a reconnect briefly holds two)');
  if (!['fatal', 'error', 'warn', 'info', 'debug'].includes(opts.logLevel)) throw new Error('--log-level: fatal, error, warn, info or debug');
  return opts;
}
