import { ErrorCode, type ErrorCodeValue, SiagaError } from '@siaga/shared';
import type { ErrorRequestHandler, Response } from 'express';

const STATUS: Partial<Record<ErrorCodeValue, number>> = {
  [ErrorCode.invalidFrame]: 400,
  [ErrorCode.invalidJson]: 400,
  [ErrorCode.invalidConfig]: 400,
  [ErrorCode.invalidPolicy]: 400,
  [ErrorCode.invalidRequest]: 400,
  [ErrorCode.agentOffline]: 409,
  [ErrorCode.tooManySecrets]: 409,
  [ErrorCode.unauthorized]: 401,
  [ErrorCode.forbidden]: 403,
  [ErrorCode.enrollRefused]: 401,
  [ErrorCode.notFound]: 404,
  [ErrorCode.frameTooLarge]: 413,
  [ErrorCode.rateLimited]: 429,
};

export function sendError(res: Response, code: ErrorCodeValue, message: string, path?: string): void {
  res.status(STATUS[code] ?? 500).json({ error: { code, message, ...(path ? { path } : {}) } });
}

/** Every API error leaves as `{ error: { code, message, path? } }` with a fitting status. */
export const errorHandler: ErrorRequestHandler = (err: unknown, _req, res, _next) => {
  if (err instanceof SiagaError) return sendError(res, err.code, err.message, err.path);
  const e = err as { type?: string; status?: number; message?: string };
  if (e.type === 'entity.too.large') return sendError(res, ErrorCode.frameTooLarge, 'request body too large');
  if (e.type === 'entity.parse.failed') return sendError(res, ErrorCode.invalidJson, `request body is not valid JSON: ${e.message ?? ''}`);
  return sendError(res, ErrorCode.internal, 'internal error');
};
