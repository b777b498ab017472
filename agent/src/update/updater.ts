import { execFile } from 'node:child_process';
import type { KeyObject } from 'node:crypto';
import { chmodSync, mkdtempSync } from 'node:fs';
import { ErrorCode, type ErrorCodeValue, type ErrorFrame, PROTOCOL_VERSION, releasePlatformOf, type UpdateOffer } from '@siaga/shared';
import type { UpdateConfig } from '../config.js';
import type { Logger } from '../log.js';
import { download } from './download.js';
import { findInstallation, type Installation, msiOwned, pruneVersions, switchCurrent, versionExists, versionFolder } from './installation.js';
import { type BuildRef, type PendingUpdate, UpdateRecords } from './records.js';
import { loadReleaseKey, signatureValid } from './release-key.js';
import { restartInto } from './restart.js';
import { type VersionSwitch, versionSwitch } from './switch.js';

export interface UpdaterOptions {
  config: UpdateConfig;
  stateDir: string;
  /** The collector's base URL (http or https); offered paths are taken relative to it. */
  baseUrl: URL;
  /** The CAs the transport trusts for the collector. */
  ca: string[] | undefined;
  log: Logger;
  /** This build's version and its version folder's name (`<version>-<commit>`). */
  version: string;
  versionName: string;
  /** Sends a frame to the collector; false when not connected. */
  send: (frame: ErrorFrame) => boolean;
  /** Stops the agent cleanly, saying goodbye with this reason, before the process is replaced. */
  shutdown: (reason: 'update' | 'restart') => Promise<void>;
  now?: () => number;
  /** Replaces this process with `executable` (tests record the call instead). */
  restart?: (executable: string) => void;
  /** The system this agent runs on (tests pass another one's, with its `folders`). */
  platform?: NodeJS.Platform;
  arch?: string;
  folders?: VersionSwitch;
}

/** No agent build is anywhere near this big. */
const MAX_BUILD_BYTES = 1024 * 1024 * 1024;
const NOTICES_KEPT = 10;

/** `siaga-agent 0.2.0 (abc1234)` from a build's `--version`. */
function versionOf(file: string): Promise<{ version: string; commit: string } | undefined> {
  return new Promise((resolve) => {
    execFile(file, ['--version'], { timeout: 30_000, encoding: 'utf8' }, (err, stdout) => {
      const m = /^siaga-agent (\S+) \(([0-9a-z]+)\)\s*$/.exec(stdout ?? '');
      resolve(err || !m ? undefined : { version: m[1] as string, commit: m[2] as string });
    });
  });
}

const buildOf = (p: PendingUpdate): BuildRef => ({ version: p.toVersion, sha256: p.sha256, signature: p.signature });

/**
 * Runs the build the collector offers: checks the release signature over version, file name
 * and SHA-256 with the configured release key, downloads from the collector, checks the hash and
 * that the build says it is that version, places it in its version folder, switches `current`
 * and restarts into it. The new version is on probation until the collector welcomes it; without
 * a welcome by the deadline it switches back. Refused and rolled-back builds are remembered (and
 * reported to the collector), so the same bad build is not tried in a loop.
 */
export class Updater {
  private readonly key: KeyObject | undefined;
  private readonly records: UpdateRecords;
  private readonly now: () => number;
  private readonly platform: NodeJS.Platform;
  private readonly arch: string;
  private readonly folders: VersionSwitch;
  private busy = false;
  private timer: NodeJS.Timeout | undefined;
  /** The collector's latest offer, and a retry of it after a failed download. */
  private latest: UpdateOffer | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  /** Messages already logged per offered build, so a repeated offer does not repeat them. */
  private readonly said = new Set<string>();
  private readonly notices: ErrorFrame[] = [];

  constructor(private readonly opts: UpdaterOptions) {
    // A malformed key is a config error (naming the field) even while updates are off.
    this.key = loadReleaseKey(opts.config);
    this.records = new UpdateRecords(opts.stateDir);
    this.now = opts.now ?? Date.now;
    this.platform = opts.platform ?? process.platform;
    this.arch = opts.arch ?? process.arch;
    this.folders = opts.folders ?? versionSwitch(this.platform);
  }

  /** At start: puts a new version on probation, rolls back one whose deadline passed, or reports a rollback. */
  async resume(): Promise<void> {
    const pending = this.records.pending();
    if (!pending) return;
    if (pending.to === this.opts.versionName && !pending.rolledBack) {
      const left = pending.deadline - this.now();
      const reason = `no welcome from the collector within ${Math.round((pending.deadline - pending.startedAt) / 1000)} s`;
      if (left <= 0) return this.rollback(pending, reason);
      this.opts.log.info({ from: pending.fromVersion, to: pending.toVersion, confirmWithinSec: Math.ceil(left / 1000) }, 'new version on probation: it is rolled back unless the collector welcomes it');
      this.timer = setTimeout(() => void this.rollback(pending, reason), left);
      return;
    }
    // The previous version runs again: the update was rolled back or never started.
    const reason = pending.rolledBack ?? 'the new version did not start';
    this.records.recordFailure(buildOf(pending), `rolled back: ${reason}`, null, this.now());
    this.records.clearPending();
    this.opts.log.error({ version: pending.toVersion, runningVersion: this.opts.version, reason }, 'update rolled back');
    this.notify(ErrorCode.updateRolledBack, `update to ${pending.toVersion} rolled back to ${this.opts.version}: ${reason}`);
  }

  /** The collector said welcome: a new version on probation is confirmed; waiting notices go out. */
  welcomed(): void {
    for (const frame of this.notices.splice(0)) if (!this.opts.send(frame)) this.notices.push(frame);
    const pending = this.records.pending();
    if (!pending || pending.to !== this.opts.versionName || pending.rolledBack) return;
    clearTimeout(this.timer);
    this.records.clearPending();
    this.opts.log.info({ from: pending.fromVersion, to: pending.toVersion }, 'update confirmed: the collector welcomed the new version');
  }

  stop(): void {
    clearTimeout(this.timer);
    clearTimeout(this.retryTimer);
  }

  /** An offer from `welcome` or `policy`. */
  async offer(offer: UpdateOffer): Promise<void> {
    this.latest = offer;
    if (offer.version === this.opts.version || this.busy || this.records.pending()) return;
    const once = (message: string, fields: Record<string, unknown> = {}) => {
      const key = `${offer.version}/${offer.sha256}/${message}`;
      if (this.said.has(key)) return;
      this.said.add(key);
      this.opts.log.warn({ version: offer.version, ...fields }, message);
    };
    if (!this.opts.config.enabled) return once('update offered, but updates are off (update.enabled: false)');
    if (!this.key) return once('update offered, but no release key is configured (update.publicKey): not updating');
    const failure = this.records.failureOf(offer);
    if (failure && (failure.retryAt === null || failure.retryAt > this.now())) {
      return once('not trying this build again yet', { reason: failure.reason, retryAt: failure.retryAt === null ? 'when another build is offered' : new Date(failure.retryAt).toISOString() });
    }
    const platform = releasePlatformOf(this.platform, this.arch);
    if (offer.platform !== platform) return this.refuse(offer, `the build is for ${offer.platform}, this agent runs on ${platform ?? this.platform}`, null);
    if (!signatureValid(this.key, offer, offer.sha256)) return this.refuse(offer, "its signature does not verify with this agent's release key", null);
    const installation = this.installation();
    if (!installation) return once('update offered, but this agent does not run from an installation (a version folder beside a current link, or update.installDir): not updating');
    this.busy = true;
    try {
      await this.install(offer, installation);
    } catch (err) {
      this.refuse(offer, `it could not be installed: ${(err as Error).message}`, this.opts.config.retryAfterSec * 1000);
    } finally {
      this.busy = false;
    }
  }

  private async install(offer: UpdateOffer, installation: Installation): Promise<void> {
    const url = this.downloadUrl(offer.url);
    if (!url) return this.refuse(offer, `${offer.url} is not on the collector (${this.opts.baseUrl.origin})`, null);
    const { folders } = installation;
    const staging = mkdtempSync(versionFolder(installation, '.staging-'));
    try {
      const file = folders.path.join(staging, folders.exeName);
      this.opts.log.info({ version: offer.version, url: url.href }, 'downloading the offered build');
      let got: { sha256: string; size: number };
      try {
        got = await download(url, file, { ca: this.opts.ca, maxBytes: MAX_BUILD_BYTES, idleTimeoutMs: 60_000 });
      } catch (err) {
        return this.refuse(offer, `the download failed: ${(err as Error).message}`, this.opts.config.retryAfterSec * 1000);
      }
      if (got.sha256 !== offer.sha256) return this.refuse(offer, `the download's SHA-256 is ${got.sha256}, the signed one is ${offer.sha256}`, this.opts.config.retryAfterSec * 1000);
      await folders.prepare(file);
      const said = await versionOf(file);
      if (said?.version !== offer.version) return this.refuse(offer, `the build says it is ${said ? `version ${said.version}` : 'nothing (it did not answer --version)'}`, null);
      const name = `${said.version}-${said.commit}`;
      const dest = versionFolder(installation, name);
      // The MSI installed this very build: its folder stays the MSI's (updates never replace it).
      if (!(msiOwned(folders, dest) && versionExists(installation, name))) {
        folders.remove(dest);
        // Like the folders `install` makes: administrators run `siaga-agent` through the command link.
        chmodSync(staging, 0o755);
        await folders.move(staging, dest);
      }
      const now = this.now();
      this.records.setPending({
        from: installation.current,
        fromVersion: this.opts.version,
        to: name,
        toVersion: offer.version,
        sha256: offer.sha256,
        signature: offer.signature,
        startedAt: now,
        deadline: now + this.opts.config.confirmTimeoutSec * 1000,
      });
      switchCurrent(installation, name);
      pruneVersions(installation, [installation.current, name]);
      this.opts.log.info({ from: this.opts.version, to: offer.version, folder: name }, 'update installed: restarting into the new version');
      await this.opts.shutdown('update');
      (this.opts.restart ?? restartInto)(installation.executable);
    } finally {
      folders.remove(staging);
    }
  }

  /** Switches `current` back to the version before the update and restarts into it. */
  private async rollback(pending: PendingUpdate, reason: string): Promise<void> {
    clearTimeout(this.timer);
    const installation = this.installation();
    if (!installation || !versionExists(installation, pending.from)) {
      this.opts.log.error({ from: pending.from, reason }, 'the new version should be rolled back, but the previous version is gone: staying');
      this.records.clearPending();
      return;
    }
    this.records.setPending({ ...pending, rolledBack: reason });
    switchCurrent(installation, pending.from);
    this.opts.log.error({ from: pending.toVersion, to: pending.fromVersion, reason }, 'rolling back the update');
    await this.opts.shutdown('restart');
    (this.opts.restart ?? restartInto)(installation.executable);
  }

  private installation(): Installation | undefined {
    return findInstallation(this.opts.config.installDir, process.execPath, this.folders);
  }

  private refuse(build: UpdateOffer, reason: string, retryAfterMs: number | null): void {
    const failure = this.records.recordFailure(build, reason, retryAfterMs, this.now());
    const retry = failure.retryAt === null ? 'when another build is offered' : new Date(failure.retryAt).toISOString();
    this.opts.log.error({ version: build.version, reason, retryAt: retry }, 'update refused');
    if (failure.retryAt !== null) {
      // Offers come with welcome and policy frames; a long-lived connection gets the retry from here.
      clearTimeout(this.retryTimer);
      this.retryTimer = setTimeout(() => this.latest && void this.offer(this.latest), Math.max(0, failure.retryAt - this.now()));
      this.retryTimer.unref();
    }
    this.notify(ErrorCode.updateRefused, `update to ${build.version} refused: ${reason}`);
  }

  private notify(code: ErrorCodeValue, message: string): void {
    const frame: ErrorFrame = { v: PROTOCOL_VERSION, type: 'error', code, message: message.slice(0, 2048), ref: { type: 'update' } };
    if (this.opts.send(frame)) return;
    this.notices.push(frame);
    this.notices.splice(0, Math.max(0, this.notices.length - NOTICES_KEPT));
  }

  /** The download URL: a path relative to the collector's base URL, or an absolute URL on the collector itself. */
  private downloadUrl(raw: string): URL | undefined {
    const base = this.opts.baseUrl;
    if (/^[a-z][a-z0-9+.-]*:/i.test(raw)) {
      try {
        const url = new URL(raw);
        return url.origin === base.origin ? url : undefined;
      } catch {
        return undefined;
      }
    }
    const prefix = base.pathname.replace(/\/+$/, '');
    return new URL(`${prefix}/${raw.replace(/^\/+/, '')}`, base);
  }
}
