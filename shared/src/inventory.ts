import { z } from 'zod';
import { printable } from './primitives.js';

const text = printable(256);

export const hardwareSchema = z.object({
  vendor: text.optional(),
  model: text.optional(),
  serial: text.optional(),
  bios: z.object({ vendor: text.optional(), version: text.optional(), date: text.optional() }).optional(),
  cpu: z.object({ model: text.optional(), cores: z.number().int().min(0).optional(), threads: z.number().int().min(0).optional() }).optional(),
  memoryBytes: z.number().min(0).optional(),
  disks: z
    .array(z.object({ name: text, model: text.optional(), serial: text.optional(), sizeBytes: z.number().min(0).optional(), type: text.optional() }))
    .max(64)
    .optional(),
  os: z.object({ name: text.optional(), version: text.optional(), build: text.optional() }).optional(),
});
export type Hardware = z.infer<typeof hardwareSchema>;

export const softwareSchema = z.object({
  name: text.min(1),
  version: text.optional(),
  publisher: text.optional(),
  /** Where it was found: dpkg, rpm, registry, appx, applications... */
  source: printable(32).optional(),
  installedAt: text.optional(),
});
export type Software = z.infer<typeof softwareSchema>;
