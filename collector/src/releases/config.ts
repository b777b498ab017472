import { fileURLToPath } from 'node:url';
import { labelName, releaseVersion } from '@siaga/shared';
import { z } from 'zod';

/** `dist/agent` of the checkout or installation the collector runs from (collector/{src,dist}/releases/ → ../../../dist/agent). */
export const DEFAULT_PACKAGES_DIR = fileURLToPath(new URL('../../../dist/agent', import.meta.url));

export const packagesSchema = z
  .object({
    /**
     * Agent packages served at `/downloads/`: the build's output (executables, MSI, .deb,
     * SHA256SUMS, install.sh) plus signed releases in `releases/<version>/`.
     */
    dir: z.string().min(1).default(DEFAULT_PACKAGES_DIR),
  })
  .strict();

const NONE = 'none';
const wantedVersion = z.union([z.literal(NONE), releaseVersion]);

const pinSchema = z
  .object({
    /** Which hosts the pin applies to; every listed criterion must match. Omitted: every host. */
    select: z
      .object({
        sites: z.array(labelName).min(1).optional(),
        groups: z.array(labelName).min(1).optional(),
        /** The host must carry every one of these tags. */
        tags: z.array(labelName).min(1).optional(),
        /** Host names or host ids, e.g. a few machines that try a release first. */
        hosts: z.array(z.string().min(1).max(255)).min(1).optional(),
      })
      .strict()
      .default({}),
    /** The release these hosts run, or `none` to leave them on whatever they have. */
    version: wantedVersion,
  })
  .strict();

export const updatesSchema = z
  .object({
    /** Release for hosts no pin selects; `none` (the default) offers no update. */
    default: wantedVersion.default(NONE),
    /** First matching pin wins. */
    pins: z.array(pinSchema).max(200).default([]),
    /** The release key's public half (base64), put into the copy-paste install lines of /v1/install. */
    publicKey: z.base64().min(40).max(200).optional(),
    /** How often `releases/` is re-read for new manifests (also on SIGHUP). */
    rescanSec: z.number().int().min(1).max(86_400).default(60),
  })
  .strict();

export type UpdatesConfig = z.infer<typeof updatesSchema>;
export type UpdatePin = z.infer<typeof pinSchema>;
export const NO_UPDATE = NONE;
