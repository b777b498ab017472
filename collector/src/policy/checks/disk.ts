import { z } from 'zod';
import { commonShape, levels, rule, thresholds } from './common.js';
import type { CheckKind } from './types.js';

const schema = z
  .object({
    ...commonShape,
    /** Only these mount points / drive letters; every volume when omitted. */
    mounts: z.array(z.string().min(1).max(256)).max(64).optional(),
    minFreePercent: levels.optional(),
    /** A volume mounted read-only (a failing disk often remounts itself so). */
    readOnly: z.enum(['pass', 'warn', 'fail']).optional(),
  })
  .strict();

/** Free space per volume, and volumes that went read-only. */
export const diskCheck: CheckKind<z.infer<typeof schema>> = {
  key: 'disk',
  summary: 'free space per volume; read-only volumes',
  schema,
  compile(def) {
    const free = def.minFreePercent ?? { warn: 15, fail: 10 };
    const rules = [
      rule(def, {
        name: 'disk_space',
        description: 'Free disk space',
        measurement: 'disk',
        field: 'free_percent',
        instanceTag: 'path',
        ...thresholds(free, 'lt'),
        reason: 'Disk {path}: {value}% free (needs {threshold}%)',
        okReason: 'Disk {path}: {value}% free',
        digits: 0,
      }),
    ];
    const readOnly = def.readOnly ?? 'fail';
    if (readOnly !== 'pass') {
      rules.push(
        rule(def, {
          name: 'disk_read_only',
          description: 'Volume writable',
          measurement: 'disk',
          field: 'read_only',
          instanceTag: 'path',
          [readOnly]: { op: 'eq', value: 1 },
          reason: 'Disk {path} is read-only',
          okReason: 'Disk {path} is writable',
        }),
      );
    }
    const probes: Record<string, Record<string, unknown>> = def.mounts ? { disk: { mounts: def.mounts } } : {};
    return { rules, probes };
  },
};
