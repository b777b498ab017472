import { z } from 'zod';

/**
 * Agent releases: the signed manifest a release build produces, the update the collector offers
 * an agent, and the statement a release signature covers. Signing and verifying live with the
 * collector and the agent (node:crypto); the format lives here so both read it the same way.
 */

/** `0.2.0`, `0.2.0-rc.1`: the version an agent reports in `hello`. */
export const releaseVersion = z
  .string()
  .regex(/^\d{1,4}\.\d{1,4}\.\d{1,6}(?:-[0-9A-Za-z][0-9A-Za-z.-]{0,39})?$/, 'expected a version like 0.2.0 or 0.2.0-rc.1');

/** The platform part of the executables' names: `linux-x64`, `darwin-x64`, `win-x64`. */
export const releasePlatform = z.string().regex(/^(linux|darwin|win)-(x64|arm64)$/, 'expected <linux|darwin|win>-<x64|arm64>');

export const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex digits');

/** An Ed25519 signature (64 bytes), base64. */
export const releaseSignature = z.base64().min(86).max(88);

/** A file name in the packages folder: no folders, no leading dot. */
export const releaseFileName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'expected a plain file name');

export const releaseFileSchema = z
  .object({
    name: releaseFileName,
    sha256: sha256Hex,
    size: z.number().int().min(0),
    /** Ed25519 over `releaseStatement(version, name, sha256)`, base64. */
    signature: releaseSignature,
  })
  .strict();

export const RELEASE_MANIFEST_FORMAT = 1;

/** `<packages>/releases/<version>/manifest.json`, written by `siaga-collector release sign`. */
export const releaseManifestSchema = z
  .object({
    format: z.literal(RELEASE_MANIFEST_FORMAT),
    version: releaseVersion,
    commit: z.string().regex(/^[0-9a-z]{1,40}$/, 'expected a commit id'),
    createdAt: z.iso.datetime(),
    /** The signing key's public half (raw Ed25519, base64): tells keys apart, never trusted from here. */
    publicKey: z.base64().max(200),
    files: z.array(releaseFileSchema).min(1).max(64),
  })
  .strict()
  .refine((m) => new Set(m.files.map((f) => f.name)).size === m.files.length, { message: 'file names must be unique', path: ['files'] });

/** What the collector offers an agent in `welcome` and `policy`: the build it should run. */
export const updateOfferSchema = z.object({
  version: releaseVersion,
  platform: releasePlatform,
  /** Where to download it: a path on the collector (`/downloads/releases/0.2.0/siaga-agent-linux-x64`) or an absolute URL. */
  url: z.string().min(1).max(2048),
  sha256: sha256Hex,
  signature: releaseSignature,
});

export type ReleaseFile = z.infer<typeof releaseFileSchema>;
export type ReleaseManifest = z.infer<typeof releaseManifestSchema>;
export type UpdateOffer = z.infer<typeof updateOfferSchema>;

/** The release platform of an OS and CPU as Node names them (`win32`, `x64` → `win-x64`); undefined for others. */
export function releasePlatformOf(platform: string, arch: string): string | undefined {
  const os = ({ linux: 'linux', darwin: 'darwin', win32: 'win' } as Record<string, string>)[platform];
  return os && (arch === 'x64' || arch === 'arm64') ? `${os}-${arch}` : undefined;
}

/** The agent executable's name for a release platform, as the build writes it. */
export function agentFileName(platform: string): string {
  return `siaga-agent-${platform}${platform.startsWith('win-') ? '.exe' : ''}`;
}

/**
 * The bytes a release signature covers. Version and file name are in it, so a signed build
 * cannot be offered as another version or for another platform.
 */
export function releaseStatement(version: string, file: string, sha256: string): Uint8Array {
  return new TextEncoder().encode(`siaga-release-v1\n${version}\n${file}\n${sha256}\n`);
}
