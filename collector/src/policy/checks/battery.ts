import { z } from 'zod';
import { commonShape, levels, rule, thresholds } from './common.js';
import type { CheckKind } from './types.js';

const schema = z.object({ ...commonShape, minHealthPercent: levels.optional() }).strict();

/** A worn battery (full charge far below design capacity) strands a laptop user away from a desk. */
export const batteryCheck: CheckKind<z.infer<typeof schema>> = {
  key: 'battery',
  summary: 'battery health (full charge against design capacity)',
  schema,
  compile(def) {
    return {
      rules: [
        rule(def, {
          name: 'battery_health',
          description: 'Battery health',
          measurement: 'battery',
          field: 'health_percent',
          ...thresholds(def.minHealthPercent ?? { warn: 60 }, 'lt'),
          // Desktops have no battery.
          missing: 'pass',
          reason: 'Battery worn: holds {value}% of its design capacity (needs {threshold}%)',
          okReason: 'Battery holds {value}% of its design capacity',
          digits: 0,
        }),
      ],
      probes: { battery: { enabled: true } },
    };
  },
};
