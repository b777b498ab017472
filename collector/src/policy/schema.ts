import { labelName } from '@siaga/shared';
import { z } from 'zod';
import { businessHoursSchema, timeZoneSchema } from './business-hours.js';
import { checksSchema } from './checks/index.js';
import { durationSec } from './duration.js';

export const siteSchema = z
  .object({
    /** IANA time zone of the site, for business hours. */
    timezone: timeZoneSchema.default('UTC'),
    /** When an offline machine matters (pages). Omitted: always. */
    businessHours: z.array(businessHoursSchema).max(14).default([]),
    /** No report for this long → offline. Overrides `defaults.freshness` for the site. */
    freshness: durationSec.optional(),
    description: z.string().max(200).optional(),
  })
  .strict();

const selectSchema = z
  .object({
    sites: z.array(labelName).optional(),
    groups: z.array(labelName).optional(),
    /** The host must carry every one of these tags. */
    tags: z.array(labelName).optional(),
    /** `linux`, `darwin`, `win32`. */
    os: z.array(z.enum(['linux', 'darwin', 'win32'])).optional(),
  })
  .strict();

export const policyEntrySchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'expected letters, digits, dot, dash or underscore'),
    description: z.string().max(500).optional(),
    /** Which hosts the policy applies to; omitted means every host. */
    select: selectSchema.optional(),
    interval: durationSec.pipe(z.number().int().min(1).max(3600)).optional(),
    checks: checksSchema.default({}),
  })
  .strict();

export const policyFileSchema = z
  .object({
    defaults: z
      .object({
        /** How often agents report when nothing changes. */
        interval: durationSec.pipe(z.number().int().min(1).max(3600)).default(15),
        /** How often agents re-run the probes checks read, to report a change at once. */
        watchInterval: durationSec.pipe(z.number().int().min(1).max(3600)).default(1),
        /** No report for this long → offline (3 missed reports at the default interval). */
        freshness: durationSec.pipe(z.number().int().min(2)).default(45),
      })
      .strict()
      .default({ interval: 15, watchInterval: 1, freshness: 45 }),
    sites: z.record(labelName, siteSchema).default({}),
    /** Applied in order: every policy whose `select` matches a host refines the earlier ones. */
    policies: z.array(policyEntrySchema).max(200).default([]),
  })
  .strict()
  .superRefine((file, ctx) => {
    // A freshness limit no longer than the report interval makes healthy hosts look offline.
    const tooShort = (interval: number) => `must be longer than the report interval (${interval} s), or hosts look offline between reports`;
    if (file.defaults.freshness <= file.defaults.interval) ctx.addIssue({ code: 'custom', message: tooShort(file.defaults.interval), path: ['defaults', 'freshness'] });
    for (const [name, site] of Object.entries(file.sites)) {
      if (site.freshness !== undefined && site.freshness <= file.defaults.interval) ctx.addIssue({ code: 'custom', message: tooShort(file.defaults.interval), path: ['sites', name, 'freshness'] });
    }
    file.policies.forEach((p, i) => {
      if (p.interval !== undefined && p.interval >= file.defaults.freshness) {
        ctx.addIssue({ code: 'custom', message: `must be shorter than the freshness limit (${file.defaults.freshness} s), or hosts look offline between reports`, path: ['policies', i, 'interval'] });
      }
    });
    const seen = new Set<string>();
    file.policies.forEach((p, i) => {
      if (seen.has(p.name)) ctx.addIssue({ code: 'custom', message: `duplicate policy name "${p.name}"`, path: ['policies', i, 'name'] });
      seen.add(p.name);
      p.select?.sites?.forEach((site, j) => {
        if (!(site in file.sites)) ctx.addIssue({ code: 'custom', message: `site "${site}" is not defined under sites`, path: ['policies', i, 'select', 'sites', j] });
      });
    });
  });

export type PolicyFile = z.infer<typeof policyFileSchema>;
export type PolicyEntry = z.infer<typeof policyEntrySchema>;
export type Site = z.infer<typeof siteSchema>;
