import type { Metric } from '@siaga/shared';
import { z } from 'zod';
import { flag, probeConfig } from './base.js';
import { launchdState, parseLaunchctlList, parseScQuery, parseScStartType, parseSystemctlShow, type ServiceState, systemdState, systemdUnit } from './service.parse.js';
import { cleanText, decodeOutput } from './parsers/text.js';
import type { Probe, ProbeContext } from './types.js';

/** Service names: systemd units, launchd labels, Windows service names (`MSSQL$SQLEXPRESS`). Never an option. */
const SERVICE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.@:$ -]{0,127}$/;

const configSchema = probeConfig(true, 10_000, {
  /** Services that must run: `cups`, `sshd.socket`, `com.openssh.sshd`, `Spooler`. */
  names: z
    .array(z.string().regex(SERVICE_NAME, 'expected a service name (letters, digits, _ . @ : $ - and spaces)'))
    .max(64)
    .default([])
    .refine((names) => new Set(names).size === names.length, 'names must not repeat'),
  /** Windows: how often the start type (`sc qc`) is asked again; it rarely changes. */
  startTypeIntervalSec: z.number().int().min(10).max(86_400).default(600),
});
type ServiceConfig = z.output<typeof configSchema>;

/** "not found" and friends as the reason of a failure to ask at all. */
function unavailable(program: string, res: { code: number | null; stderr: string }): Error {
  if (res.code === 127) return new Error(`${program} not found`);
  const first = res.stderr.trim().split(/\r?\n/)[0];
  return new Error(`${program} unavailable: ${first || `exit ${String(res.code)}`}`);
}

async function linuxStates(ctx: ProbeContext, names: readonly string[]): Promise<ServiceState[]> {
  const units = names.map(systemdUnit);
  const res = await ctx.run('systemctl', ['show', '--property=Id,LoadState,ActiveState,SubState,UnitFileState', '--', ...units], { signal: ctx.signal });
  const blocks = res.code === 0 ? parseSystemctlShow(res.stdout.toString('utf8')) : [];
  if (blocks.length !== units.length) throw unavailable('systemctl', res);
  return names.map((name, i) => systemdState(name, blocks[i] ?? {}));
}

async function darwinStates(ctx: ProbeContext, names: readonly string[]): Promise<ServiceState[]> {
  const res = await ctx.run('launchctl', ['list'], { signal: ctx.signal });
  if (res.code !== 0) throw unavailable('launchctl', res);
  const jobs = parseLaunchctlList(res.stdout.toString('utf8'));
  return names.map((name) => launchdState(name, jobs.get(name)));
}

/** sc.exe exits with the Win32 error: 1060 is ERROR_SERVICE_DOES_NOT_EXIST. */
const SERVICE_DOES_NOT_EXIST = 1060;
/** START_TYPE 0-2 (boot, system, automatic) start without anyone asking; 3 manual, 4 disabled. */
const AUTO_START_MAX = 2;

async function windowsStartType(ctx: ProbeContext, name: string, config: ServiceConfig): Promise<number | undefined> {
  const cache = (ctx.memo.get('startTypes') as Map<string, { at: number; type: number | undefined }> | undefined) ?? new Map();
  ctx.memo.set('startTypes', cache);
  const hit = cache.get(name);
  if (hit && ctx.now() - hit.at < config.startTypeIntervalSec * 1000) return hit.type;
  const res = await ctx.run('sc', ['qc', name], { signal: ctx.signal });
  const type = res.code === 0 ? parseScStartType(decodeOutput(res.stdout)) : undefined;
  cache.set(name, { at: ctx.now(), type });
  return type;
}

async function windowsStates(ctx: ProbeContext, names: readonly string[], config: ServiceConfig): Promise<ServiceState[]> {
  const out: ServiceState[] = [];
  for (const name of names) {
    const res = await ctx.run('sc', ['query', name], { signal: ctx.signal });
    if (res.code === 127) throw unavailable('sc.exe', res);
    if (res.code === SERVICE_DOES_NOT_EXIST) {
      out.push({ running: false, state: 'not-found', error: `service ${name}: not found` });
      continue;
    }
    const svc = res.code === 0 ? parseScQuery(decodeOutput(res.stdout))[0] : undefined;
    if (!svc) {
      out.push({ running: false, state: 'unknown', error: `service ${name}: sc query failed (exit ${String(res.code)})` });
      continue;
    }
    const state: ServiceState = { running: svc.stateCode === 4, state: svc.state };
    const startType = await windowsStartType(ctx, name, config);
    if (startType !== undefined) state.enabled = startType <= AUTO_START_MAX;
    out.push(state);
  }
  return out;
}

function toMetric(name: string, s: ServiceState): Metric {
  const fields: Metric['fields'] = { running: flag(s.running), state: cleanText(s.state, 128) ?? 'unknown' };
  if (s.enabled !== undefined) fields.enabled = flag(s.enabled);
  if (s.error) fields.error = cleanText(s.error, 512) ?? 'error';
  return { m: 'service', tags: { service: name }, fields };
}

/** Whether configured OS services run (`service`, tag service): systemd, launchd or the Windows SCM. */
export const serviceProbe: Probe<ServiceConfig> = {
  name: 'service',
  description: 'Whether the configured services run and start at boot',
  measurements: ['service'],
  // Every run starts systemctl, launchctl or sc.
  minWatchIntervalMs: 5_000,
  defaultEnabled: true,
  configSchema,
  async collect(ctx, config) {
    if (config.names.length === 0) return [];
    let states: ServiceState[];
    if (ctx.platform === 'linux') states = await linuxStates(ctx, config.names);
    else if (ctx.platform === 'darwin') states = await darwinStates(ctx, config.names);
    else if (ctx.platform === 'win32') states = await windowsStates(ctx, config.names, config);
    else throw new Error(`services are not supported on ${ctx.platform}`);
    return config.names.map((name, i) => toMetric(name, states[i] ?? { running: false, state: 'unknown' }));
  },
};
