import { z } from 'zod';
import { commonShape, itemName, levels, rule, thresholds } from './common.js';
import type { CheckKind, CompiledCheck } from './types.js';

const entry = z
  .object({
    name: itemName,
    /** Absolute folders the backup writes to, or marker files the backup tool touches. */
    paths: z.array(z.string().min(1).max(1024)).min(1).max(16),
    /** File name glob (`*.vbk`); every file counts when absent. */
    pattern: z.string().min(1).max(128).optional(),
    maxDepth: z.number().int().min(0).max(32).optional(),
    maxAgeHours: levels.optional(),
  })
  .strict();

const schema = z.object({ ...commonShape, items: z.array(entry).max(32).optional() }).strict();

/** Data safety: the newest backup is recent enough. */
export const backupCheck: CheckKind<z.infer<typeof schema>> = {
  key: 'backup',
  summary: 'the newest backup file is recent enough',
  schema,
  compile(def): CompiledCheck {
    const items = def.items ?? [];
    if (items.length === 0) return { rules: [], probes: {} };
    const rules = [
      rule(def, {
        name: 'backup_found',
        description: 'Backup present',
        measurement: 'backup',
        field: 'found',
        instanceTag: 'backup',
        fail: { op: 'eq', value: 0 },
        missing: 'fail',
        reason: 'Backup {backup}: no backup file found',
        okReason: 'Backup {backup}: {files} files',
      }),
      ...items.map((b) =>
        rule(def, {
          name: 'backup_age',
          description: 'Backup freshness',
          measurement: 'backup',
          field: 'age_hours',
          match: { backup: b.name },
          instanceTag: 'backup',
          ...thresholds(b.maxAgeHours ?? { warn: 26, fail: 72 }, 'gt'),
          missing: 'pass',
          reason: 'Backup {backup} is {value} hours old (limit {threshold} hours)',
          okReason: 'Backup {backup}: {value} hours old',
          digits: 0,
        }),
      ),
    ];
    const entries = items.map((b) => ({ name: b.name, paths: b.paths, ...(b.pattern ? { pattern: b.pattern } : {}), ...(b.maxDepth !== undefined ? { maxDepth: b.maxDepth } : {}) }));
    return { rules, probes: { backup: { enabled: true, entries } } };
  },
};
