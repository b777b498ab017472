import { z } from 'zod';
import { commonShape, levels, rule, thresholds } from './common.js';
import type { CheckKind } from './types.js';

const schema = z.object({ ...commonShape, minAvailablePercent: levels.optional() }).strict();

/** Physical memory still available to start applications. */
export const memoryCheck: CheckKind<z.infer<typeof schema>> = {
  key: 'memory',
  summary: 'available physical memory',
  schema,
  compile(def) {
    return {
      rules: [
        rule(def, {
          name: 'memory',
          description: 'Available memory',
          measurement: 'mem',
          field: 'available_percent',
          ...thresholds(def.minAvailablePercent ?? { warn: 10, fail: 5 }, 'lt'),
          reason: 'Memory: {value}% available (needs {threshold}%)',
          okReason: 'Memory: {value}% available',
          digits: 0,
        }),
      ],
      probes: {},
    };
  },
};
