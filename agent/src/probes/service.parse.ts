import { lines } from './parsers/text.js';

/** What the `service` measurement says about one service. */
export interface ServiceState {
  running: boolean;
  /** Starts by itself at boot; undefined where unknown. */
  enabled?: boolean;
  /** The OS's own word(s): "active (running)", "STOPPED", "not-found"... */
  state: string;
  /** Set when the service does not exist or could not be asked about. */
  error?: string;
}

/** Unit types systemd knows; any other name is taken as a service (`nginx` → `nginx.service`). */
const UNIT_TYPES = /\.(service|socket|timer|target|path|mount|automount|swap|slice|scope|device)$/;
export const systemdUnit = (name: string): string => (UNIT_TYPES.test(name) ? name : `${name}.service`);

/** `systemctl show --property=...` for several units: one block of Key=Value lines per unit, in argument order. */
export function parseSystemctlShow(text: string): Record<string, string>[] {
  return text
    .split(/\r?\n\s*\r?\n/)
    .map((block) => {
      const props: Record<string, string> = {};
      for (const line of lines(block)) {
        const eq = line.indexOf('=');
        if (eq > 0) props[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
      }
      return props;
    })
    .filter((p) => Object.keys(p).length > 0);
}

/** Unit file states that mean "starts when the system boots or when something needs it". */
const ENABLED = new Set(['enabled', 'enabled-runtime', 'static', 'indirect', 'generated', 'alias', 'linked', 'linked-runtime']);
const DISABLED = new Set(['disabled', 'masked', 'masked-runtime']);

export function systemdState(name: string, p: Record<string, string>): ServiceState {
  if (p.LoadState === 'not-found') return { running: false, state: 'not-found', error: `service ${name}: not found` };
  const s: ServiceState = { running: p.ActiveState === 'active', state: p.SubState ? `${p.ActiveState ?? 'unknown'} (${p.SubState})` : (p.ActiveState ?? 'unknown') };
  const file = p.UnitFileState ?? '';
  if (ENABLED.has(file)) s.enabled = true;
  else if (DISABLED.has(file)) s.enabled = false;
  if (p.LoadState === 'masked') s.enabled = false;
  return s;
}

/** `launchctl list`: PID (or "-"), last exit status and label, tab-separated, under a header. */
export function parseLaunchctlList(text: string): Map<string, { pid?: number; status: number }> {
  const out = new Map<string, { pid?: number; status: number }>();
  for (const line of lines(text)) {
    const m = /^(-|\d+)\t(-?\d+)\t(.+)$/.exec(line);
    if (!m?.[3]) continue;
    out.set(m[3], { ...(m[1] !== '-' ? { pid: Number(m[1]) } : {}), status: Number(m[2]) });
  }
  return out;
}

export function launchdState(name: string, job: { pid?: number; status: number } | undefined): ServiceState {
  if (!job) return { running: false, state: 'not-loaded', error: `service ${name}: not found (not loaded in launchd)` };
  if (job.pid !== undefined) return { running: true, state: 'running' };
  return { running: false, state: job.status === 0 ? 'stopped' : `exited (${job.status})` };
}

/** SERVICE_STATUS.dwCurrentState values; sc.exe prints the number first, then a word. */
const SC_STATES: Record<number, string> = { 1: 'STOPPED', 2: 'START_PENDING', 3: 'STOP_PENDING', 4: 'RUNNING', 5: 'CONTINUE_PENDING', 6: 'PAUSE_PENDING', 7: 'PAUSED' };

export interface ScService {
  name: string;
  stateCode: number;
  state: string;
}

/** "LABEL : 4  RUNNING": the label, then a number. Labels may be localized, so position backs them up. */
const NUMBERED = /^\s+([^:]+?)\s*:\s*(\d+)\b/;

/**
 * `sc query [name]`: one block per service. The state is read as its number, from the STATE
 * line or else the second numbered line of the block (TYPE comes first), never from words.
 */
export function parseScQuery(text: string): ScService[] {
  const out: ScService[] = [];
  let current: { name: string; numbered: [string, number][] } | undefined;
  const flush = () => {
    if (!current) return;
    const code = current.numbered.find(([label]) => label === 'STATE')?.[1] ?? current.numbered[1]?.[1];
    if (code !== undefined) out.push({ name: current.name, stateCode: code, state: SC_STATES[code] ?? `STATE ${code}` });
    current = undefined;
  };
  for (const line of lines(text)) {
    const head = /^(\S[^:]*):\s*(\S.*)$/.exec(line);
    if (head?.[2]) {
      // SERVICE_NAME starts a block; DISPLAY_NAME right after it does not.
      if (!current || current.numbered.length > 0) {
        flush();
        current = { name: head[2].trim(), numbered: [] };
      }
      continue;
    }
    const n = NUMBERED.exec(line);
    if (n?.[1] && current) current.numbered.push([n[1], Number(n[2])]);
  }
  flush();
  return out;
}

/** `sc qc <name>`: START_TYPE (the second numbered line): 0 boot, 1 system, 2 automatic, 3 manual, 4 disabled. */
export function parseScStartType(text: string): number | undefined {
  const numbered: [string, number][] = [];
  for (const line of lines(text)) {
    const n = NUMBERED.exec(line);
    if (n?.[1]) numbered.push([n[1], Number(n[2])]);
  }
  return numbered.find(([label]) => label === 'START_TYPE')?.[1] ?? numbered[1]?.[1];
}
