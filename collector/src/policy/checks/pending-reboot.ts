import { z } from 'zod';
import { commonShape, rule } from './common.js';
import type { CheckKind } from './types.js';

const schema = z.object({ ...commonShape, severity: z.enum(['warn', 'fail']).optional() }).strict();

/** Updates installed but not active until the machine restarts. */
export const pendingRebootCheck: CheckKind<z.infer<typeof schema>> = {
  key: 'pending_reboot',
  summary: 'a restart is pending to finish installing updates',
  schema,
  compile(def) {
    return {
      rules: [
        rule(def, {
          name: 'pending_reboot',
          description: 'Restart pending',
          measurement: 'system',
          field: 'pending_reboot',
          [def.severity ?? 'warn']: { op: 'eq', value: 1 },
          missing: 'pass',
          reason: 'A restart is pending to finish installing updates',
          okReason: 'No restart pending',
        }),
      ],
      probes: { reboot: { enabled: true } },
    };
  },
};
