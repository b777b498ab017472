import { z } from 'zod';
import { commonShape, levels, rule, thresholds } from './common.js';
import type { CheckKind } from './types.js';

const schema = z.object({ ...commonShape, maxCelsius: levels.optional() }).strict();

/** Overheating (blocked fans, dust) throttles a PC long before it shuts down. */
export const temperatureCheck: CheckKind<z.infer<typeof schema>> = {
  key: 'temperature',
  summary: 'CPU temperature where the OS exposes it',
  schema,
  compile(def) {
    return {
      rules: [
        rule(
          { for: 120, ...def },
          {
            name: 'temperature',
            description: 'CPU temperature',
            measurement: 'temp',
            field: 'temp',
            instanceTag: 'sensor',
            ...thresholds(def.maxCelsius ?? { warn: 90 }, 'gt'),
            missing: 'pass',
            reason: 'Running hot: {sensor} at {value} °C (limit {threshold} °C)',
            okReason: '{sensor} at {value} °C',
            digits: 0,
          },
        ),
      ],
      probes: { temperature: { enabled: true } },
    };
  },
};
