type Plain = Record<string, unknown>;

const isPlain = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNamedList = (v: unknown): v is Plain[] => Array.isArray(v) && v.length > 0 && v.every((i) => isPlain(i) && typeof i.name === 'string');

/**
 * How a later policy refines an earlier one: objects merge key by key, lists of named items
 * (applications, processes, services…) merge by `name`, anything else is replaced.
 */
export function refine(earlier: unknown, later: unknown): unknown {
  if (later === undefined) return earlier;
  if (isPlain(earlier) && isPlain(later)) {
    const out: Plain = { ...earlier };
    for (const [k, v] of Object.entries(later)) out[k] = refine(earlier[k], v);
    return out;
  }
  if (isNamedList(earlier) && isNamedList(later)) {
    const byName = new Map(earlier.map((i) => [i.name as string, i]));
    for (const item of later) byName.set(item.name as string, refine(byName.get(item.name as string), item) as Plain);
    return [...byName.values()];
  }
  return later;
}
