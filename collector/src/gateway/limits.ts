import { z } from 'zod';

/** A token bucket: `perSecond` tokens flow in, at most `burst` are held. */
export const rateSchema = z
  .object({
    perSecond: z.number().positive().max(1_000_000),
    burst: z.number().int().min(1).max(10_000_000),
  })
  .strict();
export type RateSpec = z.infer<typeof rateSchema>;

const rate = (perSecond: number, burst: number) => rateSchema.default({ perSecond, burst });

/**
 * Limits of the agent gateway and the enroll endpoint (`gateway:` in the collector config).
 * The defaults suit an office fleet where a few hundred agents may share one NAT address.
 */
export const gatewaySchema = z
  .object({
    /**
     * Heartbeat sweep: a connection that sent nothing in the last interval is pinged, and dropped
     * when it has not answered by the next sweep. Shorter than the agents' own 30 s heartbeat:
     * these pings also tell an agent the collector is there while it is too busy to read the
     * agent's connection (and to answer the agent's pings).
     */
    heartbeatIntervalMs: z.number().int().min(100).max(600_000).default(20_000),
    /** How long a live connection has to answer a ping before a newcomer with its key replaces it. */
    duplicateProbeMs: z.number().int().min(50).max(60_000).default(3_000),
    /** TCP + TLS + HTTP upgrade must complete within this time, or the socket is dropped. */
    handshakeTimeoutMs: z.number().int().min(200).max(120_000).default(10_000),
    /**
     * Agents per second a restarting collector asks its fleet to come back at: the 1012 close
     * reason tells each agent to spread its reconnect over connected agents ÷ this (10 s at least).
     */
    reconnectRate: z.number().int().min(1).max(100_000).default(150),
    /** Time a peer has to answer our close frame before the socket is destroyed. */
    closeTimeoutMs: z.number().int().min(100).max(60_000).default(5_000),
    /** Open TCP connections (agents, API clients, half-open handshakes), in total and per source address. */
    maxConnections: z.number().int().min(1).max(1_000_000).default(20_000),
    maxConnectionsPerIp: z.number().int().min(1).max(1_000_000).default(1_000),
    /** WebSocket upgrades per source address (IPv6: per /64); beyond it: HTTP 429 without upgrading. */
    handshakeRate: rate(20, 200),
    /** `POST /v1/enroll` requests per source address; beyond it: HTTP 429. */
    enrollRate: rate(1, 30),
    /** Messages per connection; beyond the burst the gateway stops reading, far beyond it closes with 1008. */
    messageRate: rate(100, 1_000),
    /** Raw WebSocket frames per connection (data, continuation and control); beyond it: close 1008. */
    frameRate: rate(200, 2_000),
    /** Fragments one message may arrive in; more: close 1008. */
    maxFragments: z.number().int().min(1).max(16_384).default(64),
    /** Bytes queued towards a connection that does not read; beyond it the connection is dropped. */
    maxBufferedBytes: z.number().int().min(1_024).max(1_073_741_824).default(1_048_576),
    /**
     * Reports parsed and being stored, over all agents; frames beyond it are kept unparsed until
     * some are stored (docs/scaling.md).
     */
    maxReportsInFlight: z.number().int().min(1).max(1_000_000).default(2_000),
    /** Bytes of frames kept that way, over all agents; beyond it agents are not read (TCP pushes back into their spools). */
    maxHeldBytes: z.number().int().min(65_536).max(17_179_869_184).default(268_435_456),
    /** How often the store is checked for hosts revoked by another process (the CLI). */
    revocationCheckMs: z.number().int().min(100).max(60_000).default(1_000),
  })
  .strict();
export type GatewayLimits = z.infer<typeof gatewaySchema>;

/** The defaults, for code that builds a gateway without a config file. */
export const DEFAULT_GATEWAY_LIMITS: GatewayLimits = gatewaySchema.parse({});
