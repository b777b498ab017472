import si from 'systeminformation';
import { z } from 'zod';
import { probeConfig, round } from './base.js';
import { readLinuxCpuTemperature } from './temperature.linux.js';
import type { Probe, ProbeContext } from './types.js';

const configSchema = probeConfig(true, 15_000, {
  /** Outside Linux reading the sensor starts a program: do it at most this often. */
  intervalSec: z.number().int().min(1).max(3600).default(60),
});
type TemperatureConfig = z.output<typeof configSchema>;

const plausible = (c: number | null | undefined): c is number => typeof c === 'number' && Number.isFinite(c) && c > -30 && c < 150;

async function readOther(ctx: ProbeContext, config: TemperatureConfig): Promise<number | undefined> {
  const cached = ctx.memo.get('reading') as { at: number; celsius: number | undefined } | undefined;
  if (cached && ctx.now() - cached.at < config.intervalSec * 1000) return cached.celsius;
  const t = await si.cpuTemperature();
  // systeminformation reports -1 or null where the OS gives no reading (most Macs, Windows without admin).
  const celsius = plausible(t.main) ? t.main : plausible(t.max) ? t.max : undefined;
  ctx.memo.set('reading', { at: ctx.now(), celsius });
  return celsius;
}

/** CPU temperature (`temp`, sensor=cpu) where the OS exposes it; no points otherwise. */
export function createTemperatureProbe(roots?: { hwmon: string; thermal: string }): Probe<TemperatureConfig> {
  return {
    name: 'temperature',
    description: 'CPU temperature in °C where the operating system exposes it',
    measurements: ['temp'],
    minWatchIntervalMs: 5_000,
    defaultEnabled: true,
    configSchema,
    async collect(ctx, config) {
      const celsius = ctx.platform === 'linux' ? await readLinuxCpuTemperature(roots) : await readOther(ctx, config);
      return celsius === undefined ? [] : [{ m: 'temp', tags: { sensor: 'cpu' }, fields: { temp: round(celsius, 1) } }];
    },
  };
}

export const temperatureProbe = createTemperatureProbe();
