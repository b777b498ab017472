import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { allDashboards } from './all.js';

/** Writes dist/<uid>.json for each dashboard, where the provisioning file expects them. */
const out = fileURLToPath(new URL('.', import.meta.url));
mkdirSync(out, { recursive: true });
for (const d of allDashboards()) {
  const file = path.join(out, `${d.uid}.json`);
  writeFileSync(file, `${JSON.stringify(d, null, 2)}\n`);
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}
