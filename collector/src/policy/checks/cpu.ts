import { z } from 'zod';
import { commonShape, levels, rule, thresholds } from './common.js';
import type { CheckKind } from './types.js';

const schema = z.object({ ...commonShape, maxUsagePercent: levels.optional() }).strict();

/** A CPU pinned at its limit makes a PC unusable; short peaks are normal, so use `for`. */
export const cpuCheck: CheckKind<z.infer<typeof schema>> = {
  key: 'cpu',
  summary: 'sustained CPU usage',
  schema,
  compile(def) {
    return {
      rules: [
        rule(
          { for: 300, ...def },
          {
            name: 'cpu',
            description: 'CPU usage',
            measurement: 'cpu',
            field: 'usage_active',
            ...thresholds(def.maxUsagePercent ?? { warn: 95 }, 'gt'),
            reason: 'CPU busy: {value}% (limit {threshold}%)',
            okReason: 'CPU: {value}% busy',
            digits: 0,
          },
        ),
      ],
      probes: {},
    };
  },
};
