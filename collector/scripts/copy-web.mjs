// tsc compiles only TypeScript: the board's HTML, CSS and scripts are copied into dist here,
// so dist/ runs on its own (the collector also finds them in src/ of a checkout).
import { cpSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const src = fileURLToPath(new URL('../src/web/', import.meta.url));
const dest = fileURLToPath(new URL('../dist/web/', import.meta.url));
rmSync(dest, { recursive: true, force: true });
cpSync(src, dest, { recursive: true });
