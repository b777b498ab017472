import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadCollectorConfig } from './config.js';
import { loadPolicyFile } from './policy/load.js';
import { BUILTIN_POLICY } from './policy/provider.js';
import { loadReadinessReport } from './reports/load.js';
import { renderCsv } from './reports/render-csv.js';
import { renderHtml } from './reports/render-html.js';
import { openDatabase } from './store/db.js';

export const REPORT_USAGE = `  siaga-collector report --config <file> [--site <s>] [--from 2026-11-01] [--to 2026-11-30]
                        [--format html|csv|json] [--out <file>]
                                          readiness report over business hours (default: last 30 days, html)
`;

/** `siaga-collector report`: the readiness report from the collector's store, to a file or stdout. */
export function reportCommand(argv: string[]): number {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: 'string', short: 'c' },
      site: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      format: { type: 'string', default: 'html' },
      out: { type: 'string', short: 'o' },
      repeat: { type: 'string' },
    },
    allowPositionals: false,
    strict: true,
  });
  if (!values.config || !['html', 'csv', 'json'].includes(values.format ?? '')) {
    process.stderr.write(`usage:\n${REPORT_USAGE}`);
    return 2;
  }
  const config = loadCollectorConfig(values.config);
  const policy = config.policyFile ? loadPolicyFile(config.policyFile) : BUILTIN_POLICY;
  const db = openDatabase(config.dataDir);
  try {
    const report = loadReadinessReport(
      db,
      policy,
      {
        ...(values.site !== undefined ? { site: values.site } : {}),
        ...(values.from !== undefined ? { from: values.from } : {}),
        ...(values.to !== undefined ? { to: values.to } : {}),
        ...(values.repeat !== undefined ? { repeatThreshold: Number(values.repeat) } : {}),
      },
      Date.now(),
    );
    const text = values.format === 'csv' ? renderCsv(report) : values.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : renderHtml(report);
    if (values.out) {
      writeFileSync(values.out, text);
      for (const s of report.sites) process.stderr.write(`${s.summary}\n`);
      process.stderr.write(`report written to ${values.out}\n`);
    } else {
      process.stdout.write(text);
    }
    return 0;
  } finally {
    db.close();
  }
}
