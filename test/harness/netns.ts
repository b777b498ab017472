import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';

/**
 * Linux network namespaces for tests: isolated "machines" joined by veth cables, so a test can
 * build a workstation, its router and servers, then cut cables and stop servers. No interface
 * of a lab is connected to the host's network: traffic never leaves the lab.
 *
 *   const lab = new NetnsLab('netpath');
 *   const ws = lab.namespace('ws'), gw = lab.namespace('gw');
 *   lab.cable(ws, 'eth0', '10.77.1.2/24', gw, 'lan0', '10.77.1.1/24');
 *   ws.defaultRoute('10.77.1.1');
 *   const server = gw.spawn(['node', 'server.js']);
 *   ws.exec(['ping', '-c', '1', '10.77.1.1']);
 *   await lab.destroy();   // in afterAll: kills what it started, deletes namespaces and /etc/netns files
 */

const PREFIX = 'siaga';
const NAME = new RegExp(`^${PREFIX}-(\\d+)-[0-9a-f]{4}-`);

/** Why network namespaces cannot be used here, or undefined when they can (root, Linux, iproute2). */
export function netnsUnavailable(): string | undefined {
  if (process.platform !== 'linux') return 'network namespaces need Linux';
  if (process.getuid?.() !== 0) return 'network namespaces need root';
  const probe = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) return `"ip netns" is unavailable (${probe.error?.message ?? probe.stderr.trim()})`;
  return undefined;
}

const has = (command: string): boolean => (command.startsWith('/') ? existsSync(command) : spawnSync('sh', ['-c', 'command -v "$0"', command], { stdio: 'ignore' }).status === 0);

/**
 * Installs the Debian packages behind missing commands ({ ping: 'iputils-ping' }) when running as
 * root; otherwise throws saying what to install.
 */
export function ensureCommands(wanted: Record<string, string>): void {
  const missing = Object.entries(wanted).filter(([command]) => !has(command));
  if (missing.length === 0) return;
  const packages = [...new Set(missing.map(([, pkg]) => pkg))];
  if (process.getuid?.() !== 0 || !has('apt-get')) throw new Error(`missing ${missing.map(([c]) => c).join(', ')}: install ${packages.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update', '-qq'], { env, stdio: 'ignore' });
  const install = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], { env, encoding: 'utf8' });
  if (install.status !== 0) throw new Error(`apt-get install ${packages.join(' ')} failed: ${install.stderr.slice(-500)}`);
}

const processAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

function ip(...args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function deleteNamespace(name: string): void {
  // Processes keep a namespace alive after its name is gone; they were started inside it by a lab.
  const pids = spawnSync('ip', ['netns', 'pids', name], { encoding: 'utf8' }).stdout.split(/\s+/).filter(Boolean).map(Number);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  spawnSync('ip', ['netns', 'delete', name], { stdio: 'ignore' });
  rmSync(`/etc/netns/${name}`, { recursive: true, force: true });
}

/** Namespaces left by lab processes that died without cleaning up (a killed test run). */
function removeStaleNamespaces(): void {
  const names = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout.split('\n').map((l) => l.split(' ')[0] ?? '');
  for (const name of names) {
    const owner = NAME.exec(name);
    if (owner && !processAlive(Number(owner[1]))) deleteNamespace(name);
  }
}

/** A process started inside a namespace; its output is kept for assertions and failure messages. */
export class NsProcess {
  output = '';
  readonly exited: Promise<number | null>;

  constructor(readonly label: string, readonly child: ChildProcess) {
    child.stdout?.on('data', (d: Buffer) => (this.output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (this.output += d.toString()));
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Waits until the output matches (e.g. a "listening" line). */
  async waitFor(pattern: RegExp, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.output)) {
      if (!this.running) throw new Error(`${this.label} exited before printing ${pattern}:\n${this.output.slice(-2000)}`);
      if (Date.now() > deadline) throw new Error(`${this.label} did not print ${pattern} within ${timeoutMs} ms:\n${this.output.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** SIGSTOP: the process keeps its sockets but answers nothing (a hung server). */
  pause(): void {
    this.child.kill('SIGSTOP');
  }

  resume(): void {
    this.child.kill('SIGCONT');
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGCONT');
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await this.exited;
    clearTimeout(timer);
  }
}

/** One network namespace of a lab. */
export class Namespace {
  constructor(readonly name: string, private readonly lab: NetnsLab) {}

  /** `ip -n <ns> ...` */
  ip(...args: string[]): string {
    return ip('-n', this.name, ...args);
  }

  /** Runs a command inside the namespace to completion (fixed argv, no shell). */
  exec(argv: readonly string[], timeoutMs = 30_000): { code: number | null; stdout: string; stderr: string } {
    const r = spawnSync('ip', ['netns', 'exec', this.name, ...argv], { encoding: 'utf8', timeout: timeoutMs });
    return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
  }

  /** Starts a long-running process inside the namespace; the lab stops it on destroy. */
  spawn(argv: readonly string[], label = argv[0] ?? 'process', options: { env?: NodeJS.ProcessEnv } = {}): NsProcess {
    const child = spawn('ip', ['netns', 'exec', this.name, ...argv], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...options.env } });
    const proc = new NsProcess(`${label}@${this.name}`, child);
    this.lab.track(proc);
    return proc;
  }

  defaultRoute(via: string): void {
    this.ip('route', 'replace', 'default', 'via', via);
  }

  /** Brings an interface up or down (down on a veth end: its peer loses carrier, like a pulled cable). */
  setLink(ifname: string, up: boolean): void {
    this.ip('link', 'set', ifname, up ? 'up' : 'down');
  }

  /** Makes the namespace route between its interfaces. */
  forward(): void {
    this.exec(['sysctl', '-q', '-w', 'net.ipv4.ip_forward=1']);
  }

  /** The resolv.conf that processes in this namespace see (`ip netns exec` mounts /etc/netns/<ns>/ files over /etc). */
  resolvConf(lines: readonly string[]): void {
    mkdirSync(`/etc/netns/${this.name}`, { recursive: true });
    writeFileSync(`/etc/netns/${this.name}/resolv.conf`, `${lines.join('\n')}\n`);
  }
}

const live = new Set<NetnsLab>();
process.once('exit', () => {
  for (const lab of live) lab.destroySync();
});

/** A set of namespaces with unique names (parallel runs never clash), torn down as one. */
export class NetnsLab {
  readonly id: string;
  private readonly namespaces: Namespace[] = [];
  private readonly processes: NsProcess[] = [];

  constructor(label = 'lab') {
    const why = netnsUnavailable();
    if (why) throw new Error(why);
    removeStaleNamespaces();
    this.id = `${PREFIX}-${process.pid}-${randomBytes(2).toString('hex')}-${label.replace(/[^a-z0-9]/gi, '').slice(0, 12)}`;
    live.add(this);
  }

  /** A new namespace with loopback up. */
  namespace(role: string): Namespace {
    const ns = new Namespace(`${this.id}-${role}`, this);
    ip('netns', 'add', ns.name);
    this.namespaces.push(ns);
    ns.ip('link', 'set', 'lo', 'up');
    return ns;
  }

  /** A veth cable between two namespaces, created directly inside them, with addresses, both ends up. */
  cable(a: Namespace, aIf: string, aCidr: string, b: Namespace, bIf: string, bCidr: string): void {
    ip('link', 'add', 'name', aIf, 'netns', a.name, 'type', 'veth', 'peer', 'name', bIf, 'netns', b.name);
    a.ip('addr', 'add', aCidr, 'dev', aIf);
    b.ip('addr', 'add', bCidr, 'dev', bIf);
    a.setLink(aIf, true);
    b.setLink(bIf, true);
  }

  /**
   * A veth cable from the test's own namespace to `ns`, so the test can reach a server inside the
   * lab (it talks only to `nsCidr`'s address, which lives in the lab). Deleted with the namespace.
   */
  uplink(ns: Namespace, hostCidr: string, nsIf: string, nsCidr: string): string {
    const hostIf = `sg${randomBytes(4).toString('hex')}`;
    ip('link', 'add', 'name', hostIf, 'type', 'veth', 'peer', 'name', nsIf, 'netns', ns.name);
    ip('addr', 'add', hostCidr, 'dev', hostIf);
    ip('link', 'set', hostIf, 'up');
    ns.ip('addr', 'add', nsCidr, 'dev', nsIf);
    ns.setLink(nsIf, true);
    return hostIf;
  }

  track(proc: NsProcess): void {
    this.processes.push(proc);
  }

  /** Stops every process the lab started, deletes its namespaces and their /etc/netns files. */
  async destroy(): Promise<void> {
    await Promise.all(this.processes.map((p) => p.stop()));
    this.destroySync();
  }

  destroySync(): void {
    for (const p of this.processes) if (p.running) p.child.kill('SIGKILL');
    for (const ns of this.namespaces) deleteNamespace(ns.name);
    this.namespaces.length = 0;
    live.delete(this);
  }
}
