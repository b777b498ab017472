import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describeIssues, ErrorCode, fieldIssues, SiagaError } from '@siaga/shared';
import YAML from 'yaml';
import { z } from 'zod';
import { durationSec } from './policy/duration.js';
import { alertsConfigSchema, checkTierReceivers } from './alerts/config.js';
import { gatewaySchema } from './gateway/limits.js';
import { notifyConfigSchema } from './notify/config.js';
import { packagesSchema, updatesSchema } from './releases/config.js';
import { resolveTlsPaths, tlsSchema } from './tls.js';

const influxSchema = z
  .object({
    /** InfluxDB 1.x base URL, or a 2.x/3.x server's v1 compatibility endpoint. */
    url: z.url({ protocol: /^https?$/ }),
    database: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).default('siaga'),
    retentionPolicy: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional(),
    username: z.string().max(256).optional(),
    password: z.string().max(256).optional(),
    /** API token of InfluxDB 2.x/3.x (v1 compatibility API), sent as `Authorization: Token …`. */
    token: z.string().min(1).max(1024).optional(),
    /** Points per write request. */
    batchSize: z.number().int().min(1).max(50_000).default(5_000),
    /** Longest a point waits in the batch before it is written. */
    flushIntervalMs: z.number().int().min(10).max(60_000).default(200),
    /** Write requests in flight at once. */
    concurrency: z.number().int().min(1).max(16).default(2),
    /**
     * Backpressure bound: points batched, queued or being written. Beyond it a new report waits
     * (its ack with it) until InfluxDB or the spill took earlier points. Default: batchSize × (concurrency + 2).
     */
    maxPendingPoints: z.number().int().min(1).max(1_000_000).optional(),
    /** A write request without an answer after this long counts as failed. */
    timeoutMs: z.number().int().min(100).max(300_000).default(10_000),
    /** Retries of a batch after 5xx, timeouts or connection errors before it goes to the spill. */
    retries: z.number().int().min(0).max(20).default(3),
    /** First retry delay; doubles per retry (with jitter) up to `retryMaxMs`, also the pace of retries after auth errors. */
    retryBaseMs: z.number().int().min(1).max(60_000).default(500),
    retryMaxMs: z.number().int().min(1).max(600_000).default(30_000),
    /**
     * Send write bodies gzipped. `auto`: gzipped unless InfluxDB is on a loopback address, where
     * compressing and decompressing costs both processes CPU and saves no network.
     */
    gzip: z.union([z.boolean(), z.literal('auto')]).default('auto'),
    /** Points InfluxDB could not take, kept on disk (`<dataDir>/influx-spill/`) and written once it is back. */
    spill: z
      .object({
        maxBytes: z.number().int().min(1024 * 1024).default(1024 * 1024 * 1024),
        /** Pace of draining, so catching up never starves live writes. */
        drainPointsPerSec: z.number().int().min(1).default(20_000),
        /**
         * A batch InfluxDB has not confirmed this long after its first points came is written to
         * the spill and its reports are acknowledged from there (InfluxDB pauses writes while it
         * snapshots and compacts, and falls behind bursts); a spilled copy is skipped once
         * InfluxDB takes the batch. 0: acks always wait for InfluxDB.
         */
        slowWriteMs: z.number().int().min(0).max(60_000).default(250),
        /**
         * An InfluxDB that answers but has left this many spilled points unwritten, the oldest for
         * `slowBacklogSec`, is overloaded rather than paused: a slow batch then waits for InfluxDB
         * instead of the spill (backpressure), so intake slows to the rate InfluxDB confirms rather
         * than spilling more than it can catch up on, and a collector sharing the machine leaves
         * InfluxDB the CPU. An outage still goes to the spill, and so does the first
         * `statusHeartbeat` after start (every host's status points at once).
         */
        slowBacklogPoints: z.number().int().min(0).default(100_000),
        slowBacklogSec: z.number().min(0).max(3_600).default(15),
      })
      .strict()
      .prefault({}),
    /** Points InfluxDB refused for good (`<dataDir>/influx-dead-letter/`, JSON lines, rotated). */
    deadLetter: z.object({ maxBytes: z.number().int().min(64 * 1024).default(64 * 1024 * 1024) }).strict().prefault({}),
    /** Create the database at start-up when it does not exist. */
    createDatabase: z.boolean().default(true),
    /**
     * `siaga_check` and `siaga_agent` points are written when their status changes and otherwise
     * once per this long (`5m`, seconds); 0 writes them with every report (docs/influxdb-writes.md).
     */
    statusHeartbeat: durationSec.pipe(z.number().int().min(0).max(86_400)).default(300),
  })
  .strict();

export const collectorConfigSchema = z
  .object({
    listen: z
      .object({
        host: z.string().min(1).default('127.0.0.1'),
        port: z.number().int().min(0).max(65_535).default(8080),
      })
      .strict()
      .default({ host: '127.0.0.1', port: 8080 }),
    /** The SQLite store, spill files and generated secrets live here. */
    dataDir: z.string().min(1),
    enroll: z
      .object({
        /** Enroll secrets accepted besides those managed with `siaga-collector secrets`. */
        secrets: z.array(z.string().min(16).max(256)).max(2).default([]),
      })
      .strict()
      .default({ secrets: [] }),
    influx: influxSchema.optional(),
    /** The readiness policy (YAML). Without it hosts are collected from but nothing is checked. */
    policyFile: z.string().min(1).optional(),
    /** Serve HTTPS and WSS (docs/security.md). Without it: plain HTTP, for loopback or a TLS proxy in front. */
    tls: tlsSchema.optional(),
    /** Connection, handshake, rate and size limits of the agent gateway and enrollment. */
    gateway: gatewaySchema.prefault({}),
    /** Board and API sign-in: how long a browser session lasts. */
    auth: z
      .object({
        /** A session unused for this long ends (`30m`, `12h`, seconds). */
        sessionIdle: durationSec.pipe(z.number().int().min(1)).default(12 * 3600),
        /** A session ends this long after sign-in, however busy. */
        sessionMaxAge: durationSec.pipe(z.number().int().min(1)).default(7 * 86_400),
      })
      .strict()
      .default({ sessionIdle: 12 * 3600, sessionMaxAge: 7 * 86_400 }),
    log: z.object({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info') }).strict().default({ level: 'info' }),
    /** Webhook receivers and delivery (docs/notifications.md). */
    notify: notifyConfigSchema.prefault({}),
    /** Alert rules, grouping, escalation (docs/alerts.md). */
    alerts: alertsConfigSchema.prefault({}),
    /** Base URL people reach the collector at (acknowledge links, the board); default http://<listen>. */
    publicUrl: z.url({ protocol: /^https?$/ }).optional(),
    /** Agent packages served at /downloads/ (docs/install.md). */
    packages: packagesSchema.prefault({}),
    /** Which agent release hosts run, per site, group, tag or host (docs/install.md, automatic updates). */
    updates: updatesSchema.prefault({}),
  })
  .strict()
  .superRefine((c, ctx) => checkTierReceivers(c.alerts, c.notify.receivers.map((r) => r.name), ctx));

export type CollectorConfig = z.infer<typeof collectorConfigSchema>;
export type InfluxConfig = z.infer<typeof influxSchema>;

export function parseCollectorConfig(raw: unknown, baseDir = process.cwd()): CollectorConfig {
  const result = collectorConfigSchema.safeParse(raw ?? {});
  if (!result.success) {
    const issues = fieldIssues(result.error);
    throw new SiagaError(ErrorCode.invalidConfig, `invalid collector config: ${describeIssues(issues)}`, { path: issues[0]?.path ?? '' });
  }
  const config = result.data;
  config.dataDir = path.resolve(baseDir, config.dataDir);
  if (config.policyFile) config.policyFile = path.resolve(baseDir, config.policyFile);
  if (config.tls) config.tls = resolveTlsPaths(config.tls, baseDir);
  config.packages.dir = path.resolve(baseDir, config.packages.dir);
  return config;
}

export function loadCollectorConfig(file: string): CollectorConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new SiagaError(ErrorCode.invalidConfig, `cannot read config ${file}: ${(err as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = YAML.parse(text);
  } catch (err) {
    throw new SiagaError(ErrorCode.invalidConfig, `config ${file} is not valid YAML: ${(err as Error).message}`);
  }
  return parseCollectorConfig(raw, path.dirname(path.resolve(file)));
}
