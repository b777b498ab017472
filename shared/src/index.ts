export { PROTOCOL_VERSION } from './version.js';
export { LIMITS } from './limits.js';
export { CloseCode, type CloseCodeValue, reconnectWithinMs, reconnectWithinReason } from './close-codes.js';
export { ErrorCode, type ErrorCodeValue, SiagaError } from './errors.js';
export { describeIssues, type FieldIssue, fieldIssues, formatPath } from './issues.js';
export { epochMs, labelName, metricKey, printable, seqNumber } from './primitives.js';
export * from './identity.js';
export * from './metrics.js';
export * from './checks.js';
export * from './policy.js';
export * from './inventory.js';
export {
  ackFrameSchema,
  agentFrameSchema,
  collectorFrameSchema,
  commandFrameSchema,
  commandNameSchema,
  commandResultFrameSchema,
  errorFrameSchema,
  goodbyeFrameSchema,
  helloFrameSchema,
  inventoryFrameSchema,
  policyFrameSchema,
  reportFrameSchema,
  welcomeFrameSchema,
  type AckFrame,
  type AgentFrame,
  type AgentFrameInput,
  type CollectorFrame,
  type CollectorFrameInput,
  type CommandFrame,
  type CommandName,
  type CommandResultFrame,
  type ErrorFrame,
  type GoodbyeFrame,
  type HelloFrame,
  type InventoryFrame,
  type PolicyFrame,
  type ReportFrame,
  type WelcomeFrame,
} from './frames.js';
export { errorFrameFor, type FrameError, parseAgentFrame, parseCollectorFrame, type ParseResult } from './parse.js';
export * from './enroll.js';
export * from './release.js';
