import { isIP } from 'node:net';
import { z } from 'zod';
import { commonShape, levels, rule, thresholds } from './common.js';
import type { CheckKind } from './types.js';

const schema = z
  .object({
    ...commonShape,
    /** Ping this address as the first hop instead of the machine's default gateway (labs, demos). */
    address: z.string().refine((a) => isIP(a) !== 0, 'expected an IP address').optional(),
    maxLossPercent: levels.optional(),
    maxLatencyMs: levels.optional(),
  })
  .strict();

const PINNED = 'first-hop';

/** The default gateway: every other network check depends on it. */
export const gatewayCheck: CheckKind<z.infer<typeof schema>> = {
  key: 'gateway',
  summary: 'the default gateway answers, with loss and latency limits',
  schema,
  compile(def) {
    const target = def.address ? PINNED : 'gateway';
    const probes: Record<string, Record<string, unknown>> = {
      ping: def.address ? { enabled: true, gateway: false, targets: [{ name: PINNED, address: def.address }] } : { enabled: true, gateway: true },
    };
    const match = { target };
    return {
      rules: [
        rule(def, {
          name: 'gateway',
          description: 'Gateway reachable',
          measurement: 'ping',
          field: 'reachable',
          match,
          fail: { op: 'eq', value: 0 },
          missing: 'fail',
          reason: '{error}',
          okReason: 'Gateway {url} answers in {average_response_ms} ms',
        }),
        rule(def, {
          name: 'gateway_loss',
          description: 'Packet loss to the gateway',
          measurement: 'ping',
          field: 'percent_packet_loss',
          match,
          ...thresholds(def.maxLossPercent ?? { warn: 20 }, 'gt'),
          missing: 'pass',
          reason: 'Gateway {url}: {value}% packets lost (limit {threshold}%)',
          okReason: 'Gateway {url}: {value}% packets lost',
          digits: 0,
        }),
        rule(def, {
          name: 'gateway_latency',
          description: 'Gateway round-trip time',
          measurement: 'ping',
          field: 'average_response_ms',
          match,
          ...thresholds(def.maxLatencyMs ?? { warn: 100 }, 'gt'),
          missing: 'pass',
          reason: 'Gateway {url} slow: {value} ms (limit {threshold} ms)',
          okReason: 'Gateway {url}: {value} ms',
        }),
      ],
      probes,
    };
  },
};
