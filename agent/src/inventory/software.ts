import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { CommandResult } from '../exec.js';
import { decodeConsole, windowsCodePage } from '../probes/console-text.js';
import { decodeOutput } from '../probes/parsers/text.js';
import { DPKG_COLUMNS, DPKG_FORMAT, parseDpkgQuery, parseRpmQuery, RPM_COLUMNS, RPM_FORMAT } from './parsers/linux-packages.js';
import { parseApplicationsJson, parseApplicationsText, parseApplicationsXml } from './parsers/macos-apps.js';
import { APPX_SCRIPT, parseAppxList } from './parsers/windows-appx.js';
import { parseRegFile, parseRegQuery, uninstallEntries } from './parsers/windows-registry.js';
import type { InventoryContext, RawSoftware } from './types.js';

interface Found {
  software: RawSoftware[];
  errors: string[];
}

const BIG_OUTPUT = 64 * 1024 * 1024;

function failure(what: string, res: CommandResult): string {
  return `${what}: ${res.stderr.trim().split(/\r?\n/)[0] || `exit ${String(res.code)}`}`;
}

async function linux(ctx: InventoryContext): Promise<Found> {
  const found: Found = { software: [], errors: [] };
  const dpkg = await ctx.run('dpkg-query', ['-W', `-f=${DPKG_FORMAT}`], { signal: ctx.signal, maxBytes: BIG_OUTPUT });
  if (dpkg.code === 0) found.software.push(...parseDpkgQuery(dpkg.stdout.toString('utf8'), DPKG_COLUMNS));
  else if (dpkg.code !== 127) found.errors.push(failure('dpkg-query', dpkg));
  const rpm = await ctx.run('rpm', ['-qa', '--queryformat', RPM_FORMAT], { signal: ctx.signal, maxBytes: BIG_OUTPUT });
  if (rpm.code === 0) found.software.push(...parseRpmQuery(rpm.stdout.toString('utf8'), RPM_COLUMNS));
  else if (rpm.code !== 127) found.errors.push(failure('rpm', rpm));
  return found;
}

async function darwin(ctx: InventoryContext): Promise<Found> {
  // -json exists since 10.15; older systems answer -xml; the text form is the last resort.
  const attempts: [string[], (text: string) => RawSoftware[]][] = [
    [['-json', 'SPApplicationsDataType'], parseApplicationsJson],
    [['-xml', 'SPApplicationsDataType'], parseApplicationsXml],
    [['SPApplicationsDataType'], parseApplicationsText],
  ];
  let last = 'no output';
  for (const [args, parse] of attempts) {
    const res = await ctx.run('system_profiler', args, { signal: ctx.signal, maxBytes: BIG_OUTPUT });
    if (res.code !== 0) {
      last = failure(`system_profiler ${args.join(' ')}`, res);
      continue;
    }
    try {
      return { software: parse(res.stdout.toString('utf8')), errors: [] };
    } catch (err) {
      last = `system_profiler ${args.join(' ')}: ${(err as Error).message}`;
    }
  }
  return { software: [], errors: [last] };
}

const UNINSTALL_KEYS = ['HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall', 'HKLM\\SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall'];

/** `reg export` writes UTF-16LE whatever the console code page; `reg query` is the fallback. */
async function uninstallKey(ctx: InventoryContext, key: string): Promise<RawSoftware[] | string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'siaga-reg-'));
  try {
    const file = path.join(dir, 'uninstall.reg');
    const exported = await ctx.run('reg', ['export', key, file, '/y'], { signal: ctx.signal });
    if (exported.code === 0) return uninstallEntries(parseRegFile(decodeOutput(await readFile(file))));
  } catch (err) {
    if (ctx.signal?.aborted) throw err;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const query = await ctx.run('reg', ['query', key, '/s'], { signal: ctx.signal, maxBytes: BIG_OUTPUT });
  if (query.code !== 0) return failure(`reg query ${key}`, query);
  return uninstallEntries(parseRegQuery(decodeConsole(query.stdout, await windowsCodePage(ctx.run))));
}

async function windows(ctx: InventoryContext): Promise<Found> {
  const found: Found = { software: [], errors: [] };
  for (const key of UNINSTALL_KEYS) {
    const result = await uninstallKey(ctx, key);
    // 32-bit Windows has no WOW6432Node: its absence is not an error.
    if (typeof result === 'string') {
      if (!key.includes('WOW6432Node')) found.errors.push(result);
    } else found.software.push(...result);
  }
  const appx = await ctx.run('powershell', ['-NoProfile', '-NonInteractive', '-Command', APPX_SCRIPT], { signal: ctx.signal, maxBytes: BIG_OUTPUT });
  if (appx.code === 0) found.software.push(...parseAppxList(decodeOutput(appx.stdout)));
  else found.errors.push(failure('Get-AppxPackage', appx));
  return found;
}

/** Installed software from the platform's package sources, before cleaning. */
export async function readSoftware(ctx: InventoryContext): Promise<Found> {
  if (ctx.platform === 'linux') return linux(ctx);
  if (ctx.platform === 'darwin') return darwin(ctx);
  if (ctx.platform === 'win32') return windows(ctx);
  return { software: [], errors: [`no software inventory on ${ctx.platform}`] };
}
