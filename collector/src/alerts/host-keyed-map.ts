/**
 * A map from condition keys (`<host id>/<rule>/<check>/<instance>`) that also groups its keys by
 * host, so that every report can ask for its own host's conditions without a scan of the whole
 * fleet's (which made each report's cost grow with the number of hosts).
 */
export class HostKeyedMap<V> extends Map<string, V> {
  private readonly byHost = new Map<string, Set<string>>();

  constructor(entries?: Iterable<readonly [string, V]>) {
    super();
    if (entries) for (const [k, v] of entries) this.set(k, v);
  }

  override set(key: string, value: V): this {
    const host = hostOf(key);
    let keys = this.byHost.get(host);
    if (!keys) this.byHost.set(host, (keys = new Set()));
    keys.add(key);
    return super.set(key, value);
  }

  override delete(key: string): boolean {
    const host = hostOf(key);
    const keys = this.byHost.get(host);
    if (keys?.delete(key) && keys.size === 0) this.byHost.delete(host);
    return super.delete(key);
  }

  override clear(): void {
    this.byHost.clear();
    super.clear();
  }

  /** The keys starting with `<hostId>/<rule>/`. A host id holds no `/` (hosts have UUIDs). */
  keysOf(hostId: string, rule: string): string[] {
    const prefix = `${hostId}/${rule}/`;
    const out: string[] = [];
    for (const k of this.byHost.get(hostId) ?? []) if (k.startsWith(prefix)) out.push(k);
    return out;
  }

  /** Whether some key starts with `<hostId>/<rule>/`, without building a string (asked for every host every second). */
  hasAny(hostId: string, rule: string): boolean {
    const keys = this.byHost.get(hostId);
    if (!keys) return false;
    const at = hostId.length + 1;
    for (const k of keys) if (k.startsWith(rule, at) && k.charCodeAt(at + rule.length) === SLASH) return true;
    return false;
  }
}

const SLASH = '/'.charCodeAt(0);

function hostOf(key: string): string {
  const slash = key.indexOf('/');
  return slash < 0 ? key : key.slice(0, slash);
}
