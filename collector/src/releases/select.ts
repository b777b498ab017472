import { agentFileName, releasePlatformOf, type UpdateOffer } from '@siaga/shared';
import type { HostRecord } from '../store/hosts.js';
import type { ReleaseCatalog } from './catalog.js';
import { NO_UPDATE, type UpdatePin, type UpdatesConfig } from './config.js';

export type UpdateHost = Pick<HostRecord, 'id' | 'hostname' | 'site' | 'group' | 'tags' | 'os'>;

function selects(pin: UpdatePin, host: UpdateHost): boolean {
  const s = pin.select;
  if (s.sites && !(host.site && s.sites.includes(host.site))) return false;
  if (s.groups && !(host.group && s.groups.includes(host.group))) return false;
  if (s.tags && !s.tags.every((t) => host.tags.includes(t))) return false;
  if (s.hosts && !s.hosts.some((h) => h === host.id || h.toLowerCase() === host.hostname.toLowerCase())) return false;
  return true;
}

/** The release a host should run: the first pin that selects it, else the default; `none` for no update. */
export function wantedVersion(updates: UpdatesConfig, host: UpdateHost): string {
  return updates.pins.find((p) => selects(p, host))?.version ?? updates.default;
}

/**
 * The update offered to a host: its wanted release's executable for its platform, as the
 * release manifest describes it. None when no update is wanted, the release is not in the
 * catalog or has no build for the host's platform.
 */
export function offerFor(updates: UpdatesConfig, catalog: ReleaseCatalog, host: UpdateHost): UpdateOffer | undefined {
  const version = wantedVersion(updates, host);
  if (version === NO_UPDATE) return undefined;
  const platform = releasePlatformOf(host.os.platform, host.os.arch);
  const release = catalog.get(version);
  if (!platform || !release) return undefined;
  const file = release.files.get(agentFileName(platform));
  if (!file) return undefined;
  return { version, platform, url: `/downloads/releases/${encodeURIComponent(version)}/${file.name}`, sha256: file.sha256, signature: file.signature };
}

/** Releases the update settings name that the catalog does not hold (nothing is offered for them). */
export function missingReleases(updates: UpdatesConfig, catalog: ReleaseCatalog): string[] {
  const wanted = new Set([updates.default, ...updates.pins.map((p) => p.version)]);
  wanted.delete(NO_UPDATE);
  return [...wanted].filter((v) => !catalog.get(v));
}
