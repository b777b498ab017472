import { z } from 'zod';
import { commonShape, rule } from './common.js';
import type { CheckKind, CompiledCheck } from './types.js';

const serviceName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.@:$ -]{0,127}$/, 'expected a service name (systemd unit, launchd label or Windows service name)');

const schema = z
  .object({ ...commonShape, items: z.array(z.object({ name: serviceName }).strict()).max(64).optional() })
  .strict();

/** OS services that must run: the print spooler, the VPN service, the backup agent. */
export const servicesCheck: CheckKind<z.infer<typeof schema>> = {
  key: 'services',
  summary: 'required OS services are running',
  schema,
  compile(def): CompiledCheck {
    const names = (def.items ?? []).map((s) => s.name);
    if (names.length === 0) return { rules: [], probes: {} };
    return {
      rules: [
        rule(def, {
          name: 'service',
          description: 'Required service running',
          measurement: 'service',
          field: 'running',
          instanceTag: 'service',
          fail: { op: 'eq', value: 0 },
          missing: 'fail',
          reason: 'Service {service} is not running ({state})',
          okReason: 'Service {service} is running',
        }),
      ],
      probes: { service: { enabled: true, names } },
    };
  },
};
