import { z } from 'zod';
import { commonShape, rule } from './common.js';
import type { CheckKind, CompiledCheck } from './types.js';

const processName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9 ._+()-]{0,127}$/, 'expected a plain program name (no path or wildcard)');

const schema = z
  .object({ ...commonShape, items: z.array(z.object({ name: processName }).strict()).max(64).optional() })
  .strict();

/** Programs that must be running: the endpoint protection, the VPN client, the line-of-business app. */
export const processesCheck: CheckKind<z.infer<typeof schema>> = {
  key: 'processes',
  summary: 'required programs are running',
  schema,
  compile(def): CompiledCheck {
    const names = (def.items ?? []).map((p) => p.name);
    if (names.length === 0) return { rules: [], probes: {} };
    return {
      rules: [
        rule(def, {
          name: 'process',
          description: 'Required program running',
          measurement: 'procstat',
          field: 'running',
          instanceTag: 'process',
          fail: { op: 'eq', value: 0 },
          missing: 'fail',
          reason: '{process} is not running',
          okReason: '{process} is running ({count})',
        }),
      ],
      probes: { process: { enabled: true, names } },
    };
  },
};
