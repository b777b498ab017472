import { type Hardware, hardwareSchema } from '@siaga/shared';
import { dmiText, readHardware } from './hardware.js';
import { normalizeSoftware } from './normalize.js';
import { type OsVersion, parseSpSoftware, parseSwVers } from './parsers/os-version.js';
import { readSoftware } from './software.js';
import type { Inventory, InventoryContext } from './types.js';

/** macOS names itself best: `sw_vers`, else system_profiler's software overview. */
async function macosVersion(ctx: InventoryContext): Promise<OsVersion> {
  const sw = await ctx.run('sw_vers', [], { signal: ctx.signal });
  const parsed = sw.code === 0 ? parseSwVers(sw.stdout.toString('utf8')) : {};
  if (parsed.version) return parsed;
  const sp = await ctx.run('system_profiler', ['SPSoftwareDataType'], { signal: ctx.signal });
  return sp.code === 0 ? parseSpSoftware(sp.stdout.toString('utf8')) : {};
}

/** Removes top-level members the schema refuses, so one odd firmware string never loses the whole inventory. */
function validHardware(hw: Hardware): Hardware {
  const result = hardwareSchema.safeParse(hw);
  if (result.success) return result.data;
  const bad = new Set(result.error.issues.map((i) => String(i.path[0])));
  return Object.fromEntries(Object.entries(hw).filter(([k]) => !bad.has(k))) as Hardware;
}

/**
 * The inventory frame's content: hardware, OS and installed software with versions. Slow (it
 * lists every package), so the agent runs it rarely and sends it only when its hash changes.
 */
export async function collectInventory(ctx: InventoryContext, deps: { readHardware: () => Promise<Hardware> } = { readHardware }): Promise<Inventory> {
  const errors: string[] = [];
  let hardware: Hardware = {};
  try {
    hardware = await deps.readHardware();
  } catch (err) {
    if (ctx.signal?.aborted) throw err;
    errors.push(`hardware: ${(err as Error).message}`);
  }
  if (ctx.platform === 'darwin') {
    const v = await macosVersion(ctx);
    const os = { name: dmiText(v.name), version: dmiText(v.version), build: dmiText(v.build) };
    if (os.version) hardware = { ...hardware, os: Object.fromEntries(Object.entries(os).filter(([, x]) => x !== undefined)) };
  }
  const found = await readSoftware(ctx);
  return { hardware: validHardware(hardware), software: normalizeSoftware(found.software), errors: [...errors, ...found.errors] };
}
