import { z } from 'zod';
import { commonShape, rule } from './common.js';
import type { CheckKind } from './types.js';

const schema = z.object({ ...commonShape }).strict();

/** The first thing a technician looks at: is the cable in / the Wi-Fi on? */
export const linkCheck: CheckKind<z.infer<typeof schema>> = {
  key: 'link',
  summary: 'the active network interface is up',
  schema,
  compile(def) {
    return {
      rules: [
        rule(def, {
          name: 'link',
          description: 'Network link',
          measurement: 'link',
          field: 'up',
          fail: { op: 'eq', value: 0 },
          missing: 'fail',
          reason: 'Network link {interface} is down',
          okReason: 'Network link {interface} is up',
        }),
      ],
      probes: { link: { enabled: true } },
    };
  },
};
