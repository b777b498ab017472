import fc from 'fast-check';

/** Valid agent frames the mutations start from (the fuzzed connection's own identity goes into hello). */
export function baseFrames(agentId: string, hostname: string): Array<Record<string, unknown>> {
  const now = Date.now();
  const host = { id: agentId, hostname, fingerprint: 'a1b2c3d4e5f60718' };
  return [
    { v: 1, type: 'hello', agentVersion: '0.1.0', host, os: { platform: 'linux', distro: 'Debian', release: '12', arch: 'x64' }, labels: { site: 'fuzz', group: 'lab', tags: ['t1'] }, lastAckedSeq: 0, sentAt: now },
    {
      v: 1,
      type: 'report',
      seq: 5,
      collectedAt: now,
      trigger: 'interval',
      metrics: [
        { m: 'cpu', tags: { cpu: 'cpu-total' }, fields: { usage_idle: 91.5, usage_user: 5.1 } },
        { m: 'mem', fields: { used_percent: 48.2, available: 8_000_000_000 } },
        { m: 'disk', tags: { path: '/' }, fields: { free_percent: 33.1, used: 1e11 } },
      ],
      checks: [{ name: 'disk_space', instance: '/', status: 'pass', reason: 'Disk /: 33% free (needs 10%)', observed: 33.1, threshold: 10, since: now }],
    },
    { v: 1, type: 'inventory', collectedAt: now, hash: 'abcdef0123456789', part: 0, parts: 1, hardware: { vendor: 'LENOVO', model: '20XW', disks: [{ name: 'nvme0n1', sizeBytes: 5e11 }] }, software: [{ name: 'Firefox', version: '128.0' }] },
    { v: 1, type: 'goodbye', reason: 'sleep', sentAt: now },
    { v: 1, type: 'command_result', id: 'cmd-1', ok: true, result: { checks: 3 } },
    { v: 1, type: 'error', code: 'SIAGA_ERR_INVALID_FRAME', message: 'policy.checks[0].op: invalid' },
  ];
}

export interface Mutant {
  kind: string;
  data: Buffer;
}

type Path = Array<string | number>;

function leafPaths(value: unknown, path: Path = [], out: Path[] = []): Path[] {
  out.push(path);
  if (Array.isArray(value)) value.forEach((v, i) => leafPaths(v, [...path, i], out));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) leafPaths(v, [...path, k], out);
  return out;
}

function replaceAt(root: unknown, path: Path, replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path[path.length - 1] as string | number] = replacement;
  return copy;
}

const text = (kind: string, s: string): Mutant => ({ kind, data: Buffer.from(s) });

/** Values of the wrong type, or of the right type at absurd sizes. */
const confusing = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(null, true, false, '', 0, -1, -0, 1.5, '1', [], {}, '\u0000', '\ud800', 'NaN', '<script>', '__proto__'),
  fc.string({ maxLength: 3000 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }).map((b) => Number(b)),
);

/** Number literals JSON allows but nothing should accept: they are spliced in as text. */
const hugeNumber = fc.constantFrom('1e309', '-1e309', '9007199254740993', '123456789012345678901234567890', '-0', '1e-400', '0.' + '9'.repeat(400), '1' + '0'.repeat(500));

/**
 * Mutated agent frames: bit flips, truncation, type confusion, huge numbers, deep nesting,
 * prototype keys, random JSON, invalid UTF-8 and (rarely) oversized messages. Weights keep the
 * connection-killing kinds rare so most frames reach the validator.
 */
export function mutantArbitrary(bases: Array<Record<string, unknown>>): fc.Arbitrary<Mutant> {
  const base = fc.constantFrom(...bases);
  const serialized = base.map((b) => JSON.stringify(b));
  return fc.oneof(
    { weight: 20, arbitrary: fc.tuple(base, fc.integer({ min: 0, max: 10_000 })).map(([b, i]) => text('valid', JSON.stringify({ ...b, ...(b.type === 'report' ? { seq: i + 1 } : {}) }))) },
    {
      weight: 150,
      arbitrary: fc.tuple(serialized, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 6 })), { minLength: 1, maxLength: 8 })).map(([s, flips]) => {
        const bytes = Buffer.from(s);
        for (const [at, bit] of flips) bytes[at % bytes.length] = (bytes[at % bytes.length] as number) ^ (1 << bit);
        // Bit 7 stays untouched here: that kind makes invalid UTF-8, tested on its own below.
        return { kind: 'bitflip', data: bytes };
      }),
    },
    { weight: 100, arbitrary: fc.tuple(serialized, fc.nat()).map(([s, at]) => text('truncated', s.slice(0, at % s.length))) },
    {
      weight: 250,
      arbitrary: fc.tuple(base, fc.nat(), confusing).map(([b, at, value]) => {
        const paths = leafPaths(b);
        return text('type-confusion', JSON.stringify(replaceAt(b, paths[at % paths.length] as Path, value)));
      }),
    },
    {
      weight: 100,
      arbitrary: fc.tuple(serialized, fc.nat(), hugeNumber).map(([s, at, n]) => {
        const numbers = [...s.matchAll(/(?<=[:[,])-?\d+(\.\d+)?(e[+-]?\d+)?/g)];
        const m = numbers[at % Math.max(1, numbers.length)];
        return text('huge-number', m && m.index !== undefined ? s.slice(0, m.index) + n + s.slice(m.index + m[0].length) : s);
      }),
    },
    {
      weight: 40,
      arbitrary: fc.tuple(base, fc.nat(), fc.integer({ min: 50, max: 20_000 }), fc.constantFrom('[', '{"a":')).map(([b, at, depth, open]) => {
        const close = open === '[' ? ']' : '}';
        const paths = leafPaths(b).filter((p) => p.length > 0);
        const marker = '"__DEEP__"';
        const s = JSON.stringify(replaceAt(b, paths[at % paths.length] as Path, '__DEEP__'));
        const nested = open.repeat(depth) + (open === '[' ? '1' : '1') + close.repeat(depth);
        return text('deep-nesting', s.replace(marker, nested).slice(0, 60_000));
      }),
    },
    {
      weight: 40,
      arbitrary: fc.tuple(base, fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty')).map(([b, key]) => {
        const s = JSON.stringify(b);
        return text('prototype-key', `{"${key}":{"polluted":true,"type":"report"},${s.slice(1)}`);
      }),
    },
    { weight: 80, arbitrary: fc.json({ maxDepth: 4 }).map((s) => text('random-json', s)) },
    { weight: 20, arbitrary: fc.string({ maxLength: 200 }).map((s) => text('random-text', s)) },
    {
      weight: 2,
      arbitrary: fc.tuple(serialized, fc.nat(), fc.constantFrom([0xc3, 0x28], [0xff], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xe2, 0x82])).map(([s, at, bad]) => {
        const bytes = Buffer.from(s);
        const i = at % bytes.length;
        return { kind: 'invalid-utf8', data: Buffer.concat([bytes.subarray(0, i), Buffer.from(bad), bytes.subarray(i)]) };
      }),
    },
    { weight: 1, arbitrary: serialized.map((s) => text('oversized', s.slice(0, -1) + `,"pad":"${'x'.repeat(70_000)}"}`)) },
  );
}
