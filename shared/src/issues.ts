import type { z } from 'zod';

/** Renders a zod issue path the way operators write it: `metrics[3].fields.usage`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

export interface FieldIssue {
  /** Dotted path of the offending field, empty for the whole value. */
  path: string;
  message: string;
}

/** Flattens a zod error into issues that each name their field. */
export function fieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }));
}

/** One line per issue: `policies[2].checks.disk.minFreePercent: expected number`. */
export function describeIssues(issues: readonly FieldIssue[], prefix = ''): string {
  return issues
    .map((i) => {
      const path = prefix && i.path ? `${prefix}.${i.path}` : prefix || i.path;
      return path ? `${path}: ${i.message}` : i.message;
    })
    .join('; ');
}
