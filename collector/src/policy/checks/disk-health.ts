import { z } from 'zod';
import { commonShape, rule } from './common.js';
import type { CheckKind } from './types.js';

const schema = z.object({ ...commonShape, severity: z.enum(['warn', 'fail']).optional() }).strict();

/** SMART health beyond the drive's own "passed": reallocated sectors, media errors, NVMe warnings. */
export const diskHealthCheck: CheckKind<z.infer<typeof schema>> = {
  key: 'disk_health',
  summary: 'disk health from SMART (or the OS when smartctl is missing)',
  schema,
  compile(def) {
    return {
      rules: [
        rule(def, {
          name: 'disk_health',
          description: 'Disk health',
          measurement: 'smart_device',
          field: 'health_ok',
          instanceTag: 'device',
          [def.severity ?? 'fail']: { op: 'eq', value: 0 },
          missing: 'pass',
          reason: 'Disk {device} ({model}) is failing: {problems}',
          okReason: 'Disk {device} healthy',
        }),
      ],
      probes: { smart: { enabled: true } },
    };
  },
};
