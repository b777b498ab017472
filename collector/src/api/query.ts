import { describeIssues, ErrorCode, fieldIssues } from '@siaga/shared';
import type { Response } from 'express';
import type { z } from 'zod';
import { sendError } from './errors.js';

/** Validates query parameters; answers 400 naming the parameter and returns undefined when bad. */
export function parseQuery<T>(schema: z.ZodType<T>, query: unknown, res: Response): T | undefined {
  const parsed = schema.safeParse(query);
  if (parsed.success) return parsed.data;
  const issues = fieldIssues(parsed.error);
  sendError(res, ErrorCode.invalidRequest, describeIssues(issues), issues[0]?.path);
  return undefined;
}

/** Validates a JSON body the same way; answers 400 naming the field and returns undefined when bad. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown, res: Response): T | undefined {
  return parseQuery(schema, body ?? {}, res);
}
