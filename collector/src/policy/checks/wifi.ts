import { z } from 'zod';
import { commonShape, levels, rule, thresholds } from './common.js';
import type { CheckKind } from './types.js';

const schema = z.object({ ...commonShape, minSignalPercent: levels.optional() }).strict();

/** Weak Wi-Fi explains "the app is slow" more often than the app does. */
export const wifiCheck: CheckKind<z.infer<typeof schema>> = {
  key: 'wifi',
  summary: 'Wi-Fi signal strength',
  schema,
  compile(def) {
    return {
      rules: [
        rule(
          { for: 60, ...def },
          {
            name: 'wifi_signal',
            description: 'Wi-Fi signal',
            measurement: 'wifi',
            field: 'signal_percent',
            ...thresholds(def.minSignalPercent ?? { warn: 30 }, 'lt'),
            // Wired machines have no Wi-Fi.
            missing: 'pass',
            reason: 'Weak Wi-Fi on {ssid}: {value}% signal (needs {threshold}%)',
            okReason: 'Wi-Fi {ssid}: {value}% signal',
            digits: 0,
          },
        ),
      ],
      probes: { wifi: { enabled: true } },
    };
  },
};
