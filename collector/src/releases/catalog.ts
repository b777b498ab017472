import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fieldIssues, describeIssues, type ReleaseFile, type ReleaseManifest, releaseManifestSchema } from '@siaga/shared';
import type { Logger } from '../log.js';

/** Signed releases live in `<packages>/releases/<version>/`, each with its manifest.json. */
export const RELEASES_DIR = 'releases';
export const MANIFEST_FILE = 'manifest.json';

export interface Release {
  manifest: ReleaseManifest;
  /** The release's folder. */
  dir: string;
  files: Map<string, ReleaseFile>;
}

export interface CatalogProblem {
  release: string;
  message: string;
}

/** Reads one release folder; a problem names the field or file that is wrong. */
export function readRelease(dir: string): Release | CatalogProblem {
  const name = path.basename(dir);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path.join(dir, MANIFEST_FILE), 'utf8'));
  } catch (err) {
    return { release: name, message: `${MANIFEST_FILE}: ${(err as Error).message}` };
  }
  const parsed = releaseManifestSchema.safeParse(raw);
  if (!parsed.success) return { release: name, message: `${MANIFEST_FILE}: ${describeIssues(fieldIssues(parsed.error))}` };
  const manifest = parsed.data;
  if (manifest.version !== name) return { release: name, message: `${MANIFEST_FILE} is for version ${manifest.version}, but the folder is named ${name}` };
  for (const file of manifest.files) {
    let size: number;
    try {
      size = statSync(path.join(dir, file.name)).size;
    } catch {
      return { release: name, message: `${file.name} is listed in ${MANIFEST_FILE} but missing` };
    }
    // A cheap guard against a half-copied release; the agent checks SHA-256 and signature.
    if (size !== file.size) return { release: name, message: `${file.name} has ${size} bytes, ${MANIFEST_FILE} says ${file.size}` };
  }
  return { manifest, dir, files: new Map(manifest.files.map((f) => [f.name, f])) };
}

/**
 * The signed agent releases the collector can offer, re-read from the packages folder on
 * `scan()`. A release with a broken manifest is left out (and logged), never half offered.
 */
export class ReleaseCatalog {
  private releases = new Map<string, Release>();
  private problemList: CatalogProblem[] = [];
  private fingerprint = '';
  private readonly listeners: Array<() => void> = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly packagesDir: string,
    private readonly log: Logger,
  ) {}

  /** Re-reads every manifest; tells listeners and returns true when the set of releases changed. */
  scan(): boolean {
    const root = path.join(this.packagesDir, RELEASES_DIR);
    let names: string[] = [];
    try {
      names = readdirSync(root, { withFileTypes: true })
        .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
        .map((d) => d.name)
        .sort();
    } catch {
      names = [];
    }
    const next = new Map<string, Release>();
    const problems: CatalogProblem[] = [];
    for (const name of names) {
      const result = readRelease(path.join(root, name));
      if ('manifest' in result) next.set(name, result);
      else problems.push(result);
    }
    const fingerprint = JSON.stringify([[...next.values()].map((r) => r.manifest), problems]);
    if (fingerprint === this.fingerprint) return false;
    const before = new Set(this.problemList.map((p) => `${p.release}: ${p.message}`));
    for (const p of problems) if (!before.has(`${p.release}: ${p.message}`)) this.log.error({ release: p.release, err: p.message }, 'agent release left out');
    this.releases = next;
    this.problemList = problems;
    this.fingerprint = fingerprint;
    this.log.info({ releases: [...next.keys()] }, 'agent releases read');
    for (const l of this.listeners) l();
    return true;
  }

  get(version: string): Release | undefined {
    return this.releases.get(version);
  }

  versions(): string[] {
    return [...this.releases.keys()];
  }

  problems(): readonly CatalogProblem[] {
    return this.problemList;
  }

  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** Scans now and then every `intervalMs`. */
  start(intervalMs: number): void {
    this.scan();
    this.timer = setInterval(() => this.scan(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
