// Records one real report of the siaga agent (built dist, every default probe, the shipped default
// policy pointed at loopback) into bench/collector-ingest/recorded-report.json. The load
// generator builds every simulated report from it, so its shape and size follow the real agent.
//
//   node bench/collector-ingest/record-report.mjs
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchPolicy, startAgent, startCollector } from '../agent-footprint/subjects.mjs';
import { freePort } from '../lib/processes.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
export const RECORDED_REPORT = path.join(HERE, 'recorded-report.json');

/** The newest report the collector stored, straight from its SQLite file (read-only). */
function latestReport(dataDir) {
  const Database = createRequire(path.join(ROOT, 'collector/package.json'))('better-sqlite3');
  const db = new Database(path.join(dataDir, 'siaga.db'), { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare('SELECT l.json FROM host_latest_report l JOIN hosts h ON h.id = l.host_id ORDER BY h.last_report_at DESC LIMIT 1').get();
    return row ? JSON.parse(row.json) : undefined;
  } finally {
    db.close();
  }
}

async function main() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'siaga-bench-record-'));
  const children = [];
  try {
    const port = await freePort();
    const collectorUrl = `http://127.0.0.1:${port}`;
    const secret = randomBytes(24).toString('base64url');
    const backupDir = path.join(dir, 'backups');
    mkdirSync(backupDir);
    writeFileSync(path.join(backupDir, 'last-backup.marker'), new Date().toISOString());
    const policyFile = path.join(dir, 'policy.yaml');
    writeFileSync(policyFile, benchPolicy(ROOT, { collectorPort: port, intervalSec: 15, backupDir }));
    const collector = startCollector(ROOT, dir, { port, secret, policyFile });
    children.push(collector);
    await collector.waitFor(async () => ((await fetch(`${collectorUrl}/healthz`)).ok ? true : undefined), 'health endpoint', 30_000);
    const agent = startAgent(ROOT, dir, { collectorUrl, secret, hostname: 'office-pc-0001' });
    children.push(agent);
    // The first report may come before the policy: wait for one judged under it.
    const report = await agent.waitFor(
      () => {
        const r = latestReport(path.join(dir, 'collector-data'));
        return r && r.policyVersion && r.checks.length > 0 && r.trigger === 'interval' ? r : undefined;
      },
      'an interval report under the policy',
      90_000,
    );
    writeFileSync(RECORDED_REPORT, `${JSON.stringify(report, null, 2)}\n`);
    const bytes = Buffer.byteLength(JSON.stringify(report));
    console.log(`recorded ${path.relative(ROOT, RECORDED_REPORT)}: ${bytes} bytes, ${report.metrics.length} metrics, ${report.checks.length} checks`);
  } finally {
    await Promise.all(children.reverse().map((c) => c.stop()));
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err) => {
    console.error(err.stack ?? err);
    process.exit(1);
  });
}
