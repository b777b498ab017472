/**
 * Size and count limits of the wire protocol, in one place so that the agent never builds a
 * frame the collector would refuse.
 */
export const LIMITS = {
  /** Largest WebSocket message either side accepts (also the `ws` maxPayload). */
  maxFrameBytes: 64 * 1024,
  /** Largest enrollment request body. */
  maxEnrollBytes: 8 * 1024,
  maxMetricsPerReport: 1000,
  maxFieldsPerMetric: 64,
  maxTagsPerMetric: 8,
  maxChecksPerReport: 256,
  maxSoftwarePerInventoryPart: 400,
  maxInventoryParts: 64,
  maxNameLength: 64,
  maxTagValueLength: 256,
  maxStringFieldLength: 1024,
  maxReasonLength: 512,
  maxLabelTags: 32,
} as const;
