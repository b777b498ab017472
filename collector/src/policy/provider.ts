import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import type { AgentPolicy } from '@siaga/shared';
import type { Logger } from '../log.js';
import type { HostRecord } from '../store/hosts.js';
import { compileForHost, type HostPolicy } from './compile.js';
import { loadPolicyFile, parsePolicy } from './load.js';
import type { PolicyFile } from './schema.js';

/** Decides what every host must do and be; tells subscribers when that changes. */
export interface PolicyProvider {
  forHost(host: HostRecord): HostPolicy;
  onChange(listener: () => void): void;
  status(): PolicyStatus;
}

export interface PolicyStatus {
  source: string;
  loadedAt: number;
  policies: string[];
  sites: string[];
  /** The last rejected edit, if the file was changed into something invalid. */
  lastError: { at: number; message: string; path: string } | null;
}

/** The built-in policy when no file is configured: collect, check nothing, offline after 45 s. */
export const BUILTIN_POLICY: PolicyFile = parsePolicy({});

function labelsKey(host: HostRecord): string {
  return JSON.stringify([host.site, host.group, [...host.tags].sort(), host.os.platform]);
}

/**
 * Serves policies from a YAML file and reloads it when it changes (or on `reload()`, wired to
 * SIGHUP). An invalid edit is refused with its exact error and the previous policy stays.
 */
export class FilePolicyProvider implements PolicyProvider {
  private file: PolicyFile;
  private readonly cache = new Map<string, HostPolicy>();
  /** Per host record (records are replaced, never changed in place): no labels key built per call on the hot path. */
  private byRecord = new WeakMap<HostRecord, HostPolicy>();
  private readonly listeners: Array<() => void> = [];
  private watcher: FSWatcher | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private loadedAt = Date.now();
  private lastError: PolicyStatus['lastError'] = null;

  constructor(
    private readonly source: string | undefined,
    private readonly log: Logger,
  ) {
    this.file = source ? loadPolicyFile(source) : BUILTIN_POLICY;
  }

  /** Watches the file's directory: editors often replace a file rather than write into it. */
  watch(): void {
    if (!this.source || this.watcher) return;
    const dir = path.dirname(this.source);
    const base = path.basename(this.source);
    this.watcher = watch(dir, (_event, name) => {
      if (name !== null && name.toString() !== base) return;
      clearTimeout(this.debounce);
      this.debounce = setTimeout(() => this.reload(), 150);
    });
    this.watcher.on('error', (err) => this.log.error({ err: err.message }, 'policy file watch failed'));
  }

  close(): void {
    clearTimeout(this.debounce);
    this.watcher?.close();
  }

  /** Re-reads the file. Returns false (and keeps the previous policy) when the new one is invalid. */
  reload(): boolean {
    if (!this.source) return true;
    let next: PolicyFile;
    try {
      next = loadPolicyFile(this.source);
    } catch (err) {
      const e = err as Error & { path?: string };
      this.lastError = { at: Date.now(), message: e.message, path: e.path ?? '' };
      this.log.error({ err: e.message, path: e.path }, 'policy change refused; the previous policy stays in force');
      return false;
    }
    const before = JSON.stringify(this.file);
    this.file = next;
    this.lastError = null;
    this.loadedAt = Date.now();
    if (JSON.stringify(next) === before) return true;
    this.cache.clear();
    this.byRecord = new WeakMap();
    this.log.info({ policies: next.policies.map((p) => p.name) }, 'policy reloaded');
    for (const l of this.listeners) l();
    return true;
  }

  /** The policy file in force (its sites' time zones and business hours). */
  current(): PolicyFile {
    return this.file;
  }

  forHost(host: HostRecord): HostPolicy {
    const known = this.byRecord.get(host);
    if (known) return known;
    const key = labelsKey(host);
    let compiled = this.cache.get(key);
    if (!compiled) {
      compiled = compileForHost(this.file, { site: host.site, group: host.group, tags: host.tags, os: host.os.platform });
      this.cache.set(key, compiled);
    }
    this.byRecord.set(host, compiled);
    return compiled;
  }

  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  status(): PolicyStatus {
    return {
      source: this.source ?? 'built-in',
      loadedAt: this.loadedAt,
      policies: this.file.policies.map((p) => p.name),
      sites: Object.keys(this.file.sites),
      lastError: this.lastError,
    };
  }
}

export type { AgentPolicy, HostPolicy };
