import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against the sources; processes started by end-to-end tests run the built dist.
    alias: { '@siaga/shared': here('./shared/src/index.ts') },
  },
  test: {
    include: ['{shared,agent,collector,dashboards}/src/**/*.test.ts', 'test/**/*.test.ts', 'bench/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // End-to-end suites start real servers; keep the two-core machine from being oversubscribed.
    maxWorkers: 2,
  },
});
