import path from 'node:path';
import { type AgentPolicy, type CheckResult, type CommandFrame, type Metric, PROTOCOL_VERSION, type ReportFrame } from '@siaga/shared';
import { CheckEvaluator, statusesDiffer } from './checks/evaluate.js';
import { samplesOf, WatchScopes } from './checks/watch-scope.js';
import { type AgentConfig, enrollSecret } from './config.js';
import { runCommand, startProcess } from './exec.js';
import { hostIdentity, readHostFacts, type HostFacts } from './identity.js';
import { collectInventory, inventoryHash } from './inventory/index.js';
import { inventoryFrames } from './inventory/frames.js';
import type { Logger } from './log.js';
import { PROBES } from './probes/index.js';
import { ProbeRunner, selfMetrics } from './probes/runner.js';
import { FileSpool } from './spool/file.js';
import { spoolMetric } from './spool/metric.js';
import type { ReportSpool } from './spool/types.js';
import { StateFile } from './state.js';
import { CollectorClient } from './transport/client.js';
import { readCaFile, trustedCas } from './transport/trust.js';
import { collectorUrls } from './transport/urls.js';
import { VERSION_NAME } from './service/layout.js';
import { Updater } from './update/updater.js';
import { AGENT_VERSION } from './version.js';

type Trigger = ReportFrame['trigger'];

/**
 * The running agent: collects on the policy's interval, evaluates checks, spools each report and
 * hands it to the transport. Owns the timers; everything else is a collaborator.
 */
export class Agent {
  private readonly state: StateFile;
  private readonly runner: ProbeRunner;
  private readonly evaluator = new CheckEvaluator();
  private readonly spool: ReportSpool;
  private client: CollectorClient | undefined;
  private updater: Updater | undefined;
  private facts: HostFacts | undefined;
  private policy: AgentPolicy | undefined;
  private timer: NodeJS.Timeout | undefined;
  private watchTimer: NodeJS.Timeout | undefined;
  private inventoryTimer: NodeJS.Timeout | undefined;
  /** The inventory hash the collector holds (from `welcome`), and an inventory run in progress. */
  private collectorInventoryHash: string | undefined;
  private inventoryRun: Promise<void> | undefined;
  /**
   * The policy whose every probe has run once since it was applied. Watching starts only then,
   * so a check whose probe has not run yet is never reported as missing data.
   */
  private baselineFor: AgentPolicy | undefined;
  private readonly scopes = new WatchScopes(PROBES);
  /** Full collections run one after another on this chain. */
  private chain: Promise<void> = Promise.resolve();
  private stopped = false;
  private lastChecks: CheckResult[] = [];
  /** Each probe's samples from its newest run, and when that run started. */
  private readonly latest = new Map<string, { startedAt: number; metrics: Metric[] }>();
  private readonly lastRun = new Map<string, number>();

  constructor(
    private readonly config: AgentConfig,
    private readonly log: Logger,
  ) {
    this.state = new StateFile(config.stateDir);
    const spool = new FileSpool(path.join(config.stateDir, 'spool'), { log, maxBytes: config.spool.maxMiB * 1024 * 1024, maxAgeMs: config.spool.maxAgeDays * 86_400_000 });
    // A reset or restored state file must not reuse seqs the spool already holds.
    if (spool.highestSeq > this.state.get().seq) this.state.update({ seq: spool.highestSeq });
    this.spool = spool;
    this.runner = new ProbeRunner(PROBES, { run: runCommand, start: startProcess, platform: process.platform, now: Date.now });
    this.runner.configure(config.probes);
  }

  async start(): Promise<void> {
    const urls = collectorUrls(this.config.collector.url, this.config.collector.allowInsecure);
    const ca = trustedCas(readCaFile(this.config.collector.caFile));
    this.updater = new Updater({
      config: this.config.update,
      stateDir: this.config.stateDir,
      baseUrl: urls.base,
      ca,
      log: this.log,
      version: AGENT_VERSION,
      versionName: VERSION_NAME,
      send: (frame) => {
        if (!this.client?.online) return false;
        this.client.sendFrame(frame);
        return true;
      },
      shutdown: (reason) => this.stop(reason),
    });
    // A new version whose probation ran out is rolled back before it connects.
    await this.updater.resume();
    this.facts = await readHostFacts(this.config.identity.hostname, this.config.identity.fingerprint);
    const facts = this.facts;
    this.client = new CollectorClient({
      urls,
      ...(ca ? { ca } : {}),
      revokedBackoffMs: this.config.collector.revokedBackoffSec * 1000,
      agentVersion: AGENT_VERSION,
      identity: () => hostIdentity(this.state.get().agentId, facts),
      os: facts.os,
      labels: this.config.labels,
      state: this.state,
      enrollSecret: () => enrollSecret(this.config),
      spool: this.spool,
      log: this.log,
      onPolicy: (policy) => this.applyPolicy(policy),
      onWelcome: (collectorInventoryHash) => {
        this.collectorInventoryHash = collectorInventoryHash;
        this.updater?.welcomed();
        void this.sendInventory(false);
      },
      onUpdate: (offer) => void this.updater?.offer(offer),
      onCommand: (command) => this.handleCommand(command),
    });
    this.client.start();
    this.inventoryTimer = setInterval(() => void this.sendInventory(false), this.config.inventoryIntervalSec * 1000);
    this.inventoryTimer.unref();
    this.log.info({ agentId: this.state.get().agentId, hostname: facts.hostname, collector: urls.base.href }, 'agent started');
    void this.cycle('interval');
  }

  async stop(reason: 'shutdown' | 'sleep' | 'restart' | 'update' | 'uninstall' = 'shutdown'): Promise<void> {
    this.stopped = true;
    this.updater?.stop();
    clearTimeout(this.timer);
    clearInterval(this.watchTimer);
    clearInterval(this.inventoryTimer);
    await Promise.all([this.chain, this.inventoryRun]);
    await this.client?.stop(reason);
    this.spool.close();
  }

  private get intervalMs(): number {
    return (this.policy?.intervalSec ?? this.config.intervalSec) * 1000;
  }

  private applyPolicy(policy: AgentPolicy): void {
    if (this.policy?.version === policy.version) return;
    const merged: Record<string, Record<string, unknown>> = { ...this.config.probes };
    for (const [name, section] of Object.entries(policy.probes)) merged[name] = { ...merged[name], ...section };
    try {
      this.runner.configure(merged);
    } catch (err) {
      // Keep running the previous configuration; the collector validates policies, so this is rare.
      this.log.error({ err: (err as Error).message, policyVersion: policy.version }, 'policy refused');
      return;
    }
    const intervalChanged = policy.intervalSec !== this.policy?.intervalSec;
    const watchChanged = policy.watchIntervalSec !== this.policy?.watchIntervalSec;
    this.policy = policy;
    if (watchChanged) {
      clearInterval(this.watchTimer);
      this.watchTimer = setInterval(() => this.watch(), policy.watchIntervalSec * 1000);
    }
    this.log.info({ policyVersion: policy.version, checks: policy.checks.length }, 'policy applied');
    // Judge the new checks now rather than at the next interval.
    void this.cycle('change');
    if (intervalChanged && this.timer) this.schedule();
  }

  private async handleCommand(command: CommandFrame): Promise<{ ok: boolean; result?: Record<string, unknown>; error?: string }> {
    switch (command.name) {
      case 'recheck': {
        await this.cycle('recheck');
        return { ok: true, result: { checks: this.lastChecks.length } };
      }
      case 'inventory':
        await this.sendInventory(true);
        return { ok: true, result: { hash: this.collectorInventoryHash ?? null } };
      case 'diagnostics':
        return { ok: true, result: { spool: { ...this.spool.stats(), gaps: this.spool.gaps() }, probes: this.runner.enabledNames(), policyVersion: this.policy?.version ?? null } };
      default:
        return { ok: false, error: `command ${command.name} is not supported by this agent` };
    }
  }

  /**
   * Collects the inventory (slow: it lists every installed package) and sends it when the
   * collector's copy differs, or always when asked.
   */
  private sendInventory(force: boolean): Promise<void> {
    if (this.inventoryRun) return this.inventoryRun;
    this.inventoryRun = (async () => {
      const collectedAt = Date.now();
      const inventory = await collectInventory({ platform: process.platform, run: runCommand });
      if (inventory.errors.length > 0) this.log.warn({ errors: inventory.errors }, 'parts of the inventory could not be read');
      const hash = inventoryHash(inventory);
      if (!force && hash === this.collectorInventoryHash) {
        this.log.info({ hash: hash.slice(0, 12) }, 'inventory unchanged; not sent');
        return;
      }
      if (!this.client?.online) return;
      for (const frame of inventoryFrames(inventory, hash, collectedAt)) this.client.sendFrame(frame);
      this.collectorInventoryHash = hash;
      this.log.info({ software: inventory.software.length, hash: hash.slice(0, 12) }, 'inventory sent');
    })()
      .catch((err: Error) => this.log.error({ err: err.message }, 'inventory failed'))
      .finally(() => {
        this.inventoryRun = undefined;
      });
    return this.inventoryRun;
  }

  /** A full collection; full collections run one after another, the interval one schedules the next. */
  private cycle(trigger: Trigger): Promise<void> {
    const done = this.chain.then(() => this.collect(trigger, undefined)).catch((err: Error) => this.log.error({ err: err.message, trigger }, 'collection failed'));
    this.chain = done;
    if (trigger === 'interval') void done.then(() => this.schedule());
    return done;
  }

  private schedule(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.cycle('interval'), this.intervalMs);
  }

  /**
   * Between reports, re-runs each probe that checks read (no more often than it allows, never
   * twice at once) and reports at once when a check's status changed. Probes run independently,
   * so a slow one (ping waits for its replies) never delays what a fast one found.
   */
  private watch(): void {
    const policy = this.policy;
    if (this.stopped || !policy || policy.checks.length === 0 || this.baselineFor !== policy) return;
    const names = this.runner.watchable(this.scopes.watchedMeasurements(policy), this.lastRun, Date.now());
    for (const name of names) {
      void this.collect('change', name).catch((err: Error) => this.log.error({ err: err.message, probe: name }, 'watch failed'));
    }
  }

  /**
   * Runs probes (all, or the one named `only`), evaluates every check over the newest sample of each
   * probe and spools a report — always for a full collection, only on a status change for a watch.
   */
  private async collect(trigger: Trigger, only: string | undefined): Promise<void> {
    const collectedAt = Date.now();
    // Judge with the policy the probes were configured for, even if a new one arrives meanwhile.
    const policy = this.policy;
    if (only) this.lastRun.set(only, collectedAt);
    const outcomes = await this.runner.collect(only);
    for (const o of outcomes) {
      // A full collection can finish after a watch re-ran one of its probes: keep the newer samples.
      if ((this.latest.get(o.probe)?.startedAt ?? -Infinity) <= o.startedAt) this.latest.set(o.probe, { startedAt: o.startedAt, metrics: o.metrics });
      this.lastRun.set(o.probe, collectedAt);
    }
    if (!only) {
      for (const name of this.latest.keys()) if (!outcomes.some((o) => o.probe === name)) this.latest.delete(name);
      this.baselineFor = policy;
    }
    if (only) {
      // A watch run judges only the checks that read what it re-ran, and statuses only: the
      // reasons, and every other check, are worked out when there is a report to send.
      const scope = this.scopes.scope(policy, only);
      const judged = this.evaluator.evaluate(scope.rules, samplesOf(this.latest, scope), collectedAt, false, true);
      if (!statusesDiffer(this.lastChecks.filter((c) => scope.names.has(c.name)), judged)) return;
    }
    const checks = this.evaluator.evaluate(policy?.checks ?? [], [...this.latest.values()].flatMap((l) => l.metrics), collectedAt);
    this.lastChecks = checks;
    const metrics: Metric[] = outcomes.flatMap((o) => o.metrics);
    metrics.push(...selfMetrics(outcomes), spoolMetric(this.spool.stats()));
    const seq = this.state.nextSeq();
    const frame: ReportFrame = { v: PROTOCOL_VERSION, type: 'report', seq, collectedAt, trigger, metrics, checks };
    if (policy) frame.policyVersion = policy.version;
    this.spool.append({ seq, frame: JSON.stringify(frame) });
    this.client?.pump();
  }
}
