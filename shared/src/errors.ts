/** Stable error codes that operators can search for. */
export const ErrorCode = {
  invalidJson: 'SIAGA_ERR_INVALID_JSON',
  invalidFrame: 'SIAGA_ERR_INVALID_FRAME',
  unsupportedVersion: 'SIAGA_ERR_UNSUPPORTED_VERSION',
  frameTooLarge: 'SIAGA_ERR_FRAME_TOO_LARGE',
  unexpectedFrame: 'SIAGA_ERR_UNEXPECTED_FRAME',
  invalidConfig: 'SIAGA_ERR_INVALID_CONFIG',
  invalidPolicy: 'SIAGA_ERR_INVALID_POLICY',
  unauthorized: 'SIAGA_ERR_UNAUTHORIZED',
  forbidden: 'SIAGA_ERR_FORBIDDEN',
  enrollRefused: 'SIAGA_ERR_ENROLL_REFUSED',
  notFound: 'SIAGA_ERR_NOT_FOUND',
  rateLimited: 'SIAGA_ERR_RATE_LIMITED',
  internal: 'SIAGA_ERR_INTERNAL',
  invalidRequest: 'SIAGA_ERR_INVALID_REQUEST',
  agentOffline: 'SIAGA_ERR_AGENT_OFFLINE',
  destinationRefused: 'SIAGA_ERR_DESTINATION_REFUSED',
  unknownReceiver: 'SIAGA_ERR_UNKNOWN_RECEIVER',
  installFailed: 'SIAGA_ERR_INSTALL_FAILED',
  influxSpillFull: 'SIAGA_ERR_INFLUX_SPILL_FULL',
  tooManySecrets: 'SIAGA_ERR_TOO_MANY_SECRETS',
  updateRefused: 'SIAGA_ERR_UPDATE_REFUSED',
  updateRolledBack: 'SIAGA_ERR_UPDATE_ROLLED_BACK',
  releaseInvalid: 'SIAGA_ERR_RELEASE_INVALID',
} as const;
export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Base error of siaga: a stable `code` plus, for validation errors, the offending field. */
export class SiagaError extends Error {
  readonly code: ErrorCodeValue;
  readonly path: string | undefined;

  constructor(code: ErrorCodeValue, message: string, options?: { path?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SiagaError';
    this.code = code;
    this.path = options?.path;
  }
}
