import { readFileSync } from 'node:fs';
import { describeIssues, ErrorCode, fieldIssues, SiagaError } from '@siaga/shared';
import YAML from 'yaml';
import { type PolicyFile, policyFileSchema } from './schema.js';

/** Validates a policy document; the error lists every problem with its exact path. */
export function parsePolicy(raw: unknown, source = 'policy'): PolicyFile {
  const result = policyFileSchema.safeParse(raw ?? {});
  if (!result.success) {
    const issues = fieldIssues(result.error);
    throw new SiagaError(ErrorCode.invalidPolicy, `${source}: ${describeIssues(issues)}`, { path: issues[0]?.path ?? '' });
  }
  return result.data;
}

export function loadPolicyFile(file: string): PolicyFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new SiagaError(ErrorCode.invalidPolicy, `cannot read policy ${file}: ${(err as Error).message}`);
  }
  const doc = YAML.parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new SiagaError(ErrorCode.invalidPolicy, `${file}: not valid YAML: ${doc.errors[0]?.message ?? ''}`);
  }
  return parsePolicy(doc.toJS(), file);
}
