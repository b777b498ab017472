import { z } from 'zod';
import { commonShape } from './common.js';
import type { CheckKind, InventoryRule } from './types.js';

/** Installed software names are free text ("7-Zip 23.01 (x64)"); `*` matches any text. */
const softwareName = z.string().min(1).max(128).regex(/^[^\u0000-\u001f\u007f]+$/, 'must not contain control characters');
const version = z.string().regex(/^[0-9A-Za-z.+_-]{1,64}$/, 'expected a version such as 115.0.2');
const required = z.object({ name: softwareName, minVersion: version.optional(), severity: z.enum(['warn', 'fail']).optional() }).strict();
const forbidden = z.object({ name: softwareName, severity: z.enum(['warn', 'fail']).optional() }).strict();

const schema = z
  .object({
    ...commonShape,
    /** Software that must be installed, optionally at a minimum version (the browser, the VPN client). */
    required: z.array(required).max(200).optional(),
    /** Software that must not be installed. */
    forbidden: z.array(forbidden).max(200).optional(),
  })
  .strict();

/** Required and forbidden software, judged by the collector from the host's inventory. */
export const softwareCheck: CheckKind<z.infer<typeof schema>> = {
  key: 'software',
  summary: 'required software at a minimum version; forbidden software',
  schema,
  compile(def) {
    // Nothing runs on the agent: the inventory it already sends is enough.
    const inventory: InventoryRule[] = [
      ...(def.required ?? []).map((r): InventoryRule => ({ kind: 'required', name: r.name, ...(r.minVersion ? { minVersion: r.minVersion } : {}), severity: r.severity ?? 'fail' })),
      ...(def.forbidden ?? []).map((r): InventoryRule => ({ kind: 'forbidden', name: r.name, severity: r.severity ?? 'fail' })),
    ];
    return { rules: [], probes: {}, inventory };
  },
};
