import { z } from 'zod';
import { commonShape, levels, rule, thresholds } from './common.js';
import type { CheckKind } from './types.js';

const schema = z.object({ ...commonShape, maxDays: levels.optional() }).strict();

/** Machines never restarted miss updates and leak resources. */
export const uptimeCheck: CheckKind<z.infer<typeof schema>> = {
  key: 'uptime',
  summary: 'days since the last restart',
  schema,
  compile(def) {
    return {
      rules: [
        rule(def, {
          name: 'uptime',
          description: 'Days since restart',
          measurement: 'system',
          field: 'uptime',
          scale: 1 / 86_400,
          ...thresholds(def.maxDays ?? { warn: 30 }, 'gt'),
          reason: 'Not restarted for {value} days (limit {threshold})',
          okReason: 'Restarted {value} days ago',
          digits: 0,
        }),
      ],
      probes: {},
    };
  },
};
