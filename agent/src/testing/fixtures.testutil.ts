import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Recorded command outputs from real machines (kept outside the repository). */
export const FIXTURES_DIR = process.env.SIAGA_FIXTURES ?? path.resolve(repoRoot, '../shared/fixtures');

/** False on machines without the fixture corpus: suites use `describe.skipIf(!HAVE_FIXTURES)`. */
export const HAVE_FIXTURES = existsSync(FIXTURES_DIR);

/** A fixture's raw bytes, e.g. `fixtureBytes('windows/regedit-export-uninstall-win10-russian.reg')`. */
export const fixtureBytes = (relative: string): Buffer => readFileSync(path.join(FIXTURES_DIR, relative));

/** A fixture as UTF-8 text. */
export const fixtureText = (relative: string): string => fixtureBytes(relative).toString('utf8');
