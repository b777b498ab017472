import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/**
 * `*.serial.test.ts` suites measure how fast a verdict follows a change; `npm test` runs them
 * after the rest, one at a time, so the other suites' load does not distort what they measure.
 */
const phase = process.env.SIAGA_TEST_PHASE ?? 'all';
const SERIAL = '**/*.serial.test.ts';

export default defineConfig({
  resolve: {
    // Tests run against the sources; processes started by end-to-end tests run the built dist.
    alias: { '@siaga/shared': here('./shared/src/index.ts') },
  },
  test: {
    include: ['{shared,agent,collector,dashboards}/src/**/*.test.ts', 'test/**/*.test.ts', 'bench/**/*.test.ts'],
    exclude: [...configDefaults.exclude, ...(phase === 'parallel' ? [SERIAL] : [])],
    ...(phase === 'serial' ? { include: ['test/**/*.serial.test.ts'] } : {}),
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // End-to-end suites start real servers; keep the two-core machine from being oversubscribed.
    maxWorkers: phase === 'serial' ? 1 : 2,
  },
});
