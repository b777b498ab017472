import { z } from 'zod';

/** Alertmanager's matcher operators: equal, not equal, regex match, regex no match. */
export const MATCH_OPS = ['=', '!=', '=~', '!~'] as const;

export const matcherSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected a label name'),
    op: z.enum(MATCH_OPS).default('='),
    value: z.string().max(1024),
  })
  .strict()
  .superRefine((m, ctx) => {
    if (m.op !== '=~' && m.op !== '!~') return;
    try {
      new RegExp(`^(?:${m.value})$`);
    } catch (err) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: `invalid regular expression: ${(err as Error).message}` });
    }
  });

export type Matcher = z.infer<typeof matcherSchema>;

const compiled = new Map<string, RegExp>();
function anchored(pattern: string): RegExp {
  let re = compiled.get(pattern);
  if (!re) {
    re = new RegExp(`^(?:${pattern})$`);
    if (compiled.size > 1000) compiled.clear();
    compiled.set(pattern, re);
  }
  return re;
}

/** A missing label matches as the empty string (Alertmanager's rule); regexes are anchored. */
export function matches(m: Matcher, labels: Readonly<Record<string, string>>): boolean {
  const value = labels[m.name] ?? '';
  switch (m.op) {
    case '=':
      return value === m.value;
    case '!=':
      return value !== m.value;
    case '=~':
      return anchored(m.value).test(value);
    case '!~':
      return !anchored(m.value).test(value);
  }
}

export const matchesAll = (ms: readonly Matcher[], labels: Readonly<Record<string, string>>): boolean => ms.every((m) => matches(m, labels));
