// Summarises a V8 .cpuprofile (node --cpu-prof): where the process spent its CPU, by function
// and by origin (a package under node_modules, a file of ours, Node's internals, GC).
import { readFileSync } from 'node:fs';

const IDLE = new Set(['(idle)', '(root)']);

/** Who a call frame belongs to: `systeminformation`, `agent/dist/probes/cpu.js`, `node:internal`, `(garbage collector)`. */
export function originOf(url, functionName) {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg) return pkg[1];
  if (url.startsWith('node:')) return url.startsWith('node:internal') ? 'node:internal' : url;
  const ours = /\/((?:agent|shared|collector)\/dist\/.+)$/.exec(url);
  return ours ? ours[1] : url.replace(/^file:\/\//, '');
}

/**
 * Self time per function and per origin, in milliseconds, busiest first; idle time left out.
 * `skipMs` leaves out the first milliseconds of the profile (start-up).
 * @param {{ nodes: Array<{ id: number, callFrame: { functionName: string, url: string, lineNumber: number } }>, samples: number[], timeDeltas: number[], startTime: number, endTime: number }} profile
 */
export function summarizeProfile(profile, top = 15, skipMs = 0) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map();
  const from = profile.startTime + skipMs * 1000;
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    if (at < from) return;
    // A sample's time is the gap to the next one (V8 records the delta before each sample).
    const delta = profile.timeDeltas[i + 1] ?? 0;
    selfUs.set(id, (selfUs.get(id) ?? 0) + Math.max(0, delta));
  });
  const functions = new Map();
  const origins = new Map();
  let busyUs = 0;
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)?.callFrame;
    if (!frame || IDLE.has(frame.functionName)) continue;
    busyUs += us;
    const origin = originOf(frame.url, frame.functionName);
    const name = `${frame.functionName || '(anonymous)'} ${origin}:${frame.lineNumber + 1}`;
    functions.set(name, (functions.get(name) ?? 0) + us);
    origins.set(origin, (origins.get(origin) ?? 0) + us);
  }
  const rank = (m) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: Math.round(us / 100) / 10, percent: busyUs > 0 ? Math.round((us / busyUs) * 1000) / 10 : 0 }));
  return { wallMs: Math.round((profile.endTime - Math.max(profile.startTime, from)) / 1000), busyMs: Math.round(busyUs / 1000), functions: rank(functions), origins: rank(origins) };
}

export function summarizeProfileFile(file, top, skipMs) {
  return summarizeProfile(JSON.parse(readFileSync(file, 'utf8')), top, skipMs);
}
