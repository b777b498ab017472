import { z } from 'zod';
import { hostIdentitySchema, labelsSchema, osInfoSchema } from './identity.js';

/** `POST /v1/enroll` body: the organisation's enroll secret buys a per-host node key. */
export const enrollRequestSchema = z.object({
  enrollSecret: z.string().min(16).max(256),
  /** Random per enrollment attempt: a retried request with the same nonce gets the same answer. */
  nonce: z.string().regex(/^[A-Za-z0-9_-]{16,128}$/),
  host: hostIdentitySchema,
  os: osInfoSchema,
  labels: labelsSchema.default({ tags: [] }),
  agentVersion: z.string().min(1).max(64),
});
export type EnrollRequest = z.infer<typeof enrollRequestSchema>;
export type EnrollRequestInput = z.input<typeof enrollRequestSchema>;

export const enrollResponseSchema = z.object({
  hostId: z.uuid(),
  /** Shown once; the collector keeps only its SHA-256. */
  nodeKey: z.string().min(22).max(128),
});
export type EnrollResponse = z.infer<typeof enrollResponseSchema>;
