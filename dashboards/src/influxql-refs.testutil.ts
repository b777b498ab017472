/**
 * Finds every name an InfluxQL query uses, for checking against the metrics catalog. Covers the
 * language the dashboards speak: SELECT with functions, arithmetic, subqueries, WHERE, GROUP BY,
 * fill, ORDER BY, LIMIT, and SHOW TAG VALUES … WITH KEY.
 */

type Token = { kind: 'ident' | 'string' | 'regex' | 'var' | 'number' | 'word' | 'op'; text: string };

const KEYWORDS = new Set(
  ['select', 'from', 'where', 'and', 'or', 'group', 'by', 'fill', 'null', 'none', 'previous', 'linear', 'as', 'order', 'desc', 'asc', 'limit', 'slimit', 'offset', 'soffset', 'now', 'show', 'tag', 'values', 'with', 'key', 'time', 'tz'],
);
/** Functions that need numbers: on a string field InfluxDB answers with an error. */
const NUMERIC_FUNCTIONS = new Set(['mean', 'median', 'sum', 'spread', 'stddev', 'min', 'max', 'percentile', 'integral', 'derivative', 'non_negative_derivative', 'difference', 'non_negative_difference', 'moving_average', 'cumulative_sum', 'elapsed']);

export function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const quoted = (q: string): string => {
    let text = '';
    i++;
    while (i < query.length && query[i] !== q) {
      if (query[i] === '\\') i++;
      text += query[i++];
    }
    if (i >= query.length) throw new Error(`unterminated ${q} in: ${query}`);
    i++;
    return text;
  };
  while (i < query.length) {
    const ch = query[i]!;
    const rest = query.slice(i);
    const prev = tokens[tokens.length - 1];
    let m: RegExpExecArray | null;
    if (/\s/.test(ch)) i++;
    else if (ch === '"') tokens.push({ kind: 'ident', text: quoted('"') });
    else if (ch === "'") tokens.push({ kind: 'string', text: quoted("'") });
    else if (ch === '/' && prev?.kind === 'op' && (prev.text === '=~' || prev.text === '!~')) tokens.push({ kind: 'regex', text: quoted('/') });
    else if ((m = /^\$(\{[^}]+\}|\w+)/.exec(rest))) {
      tokens.push({ kind: 'var', text: m[0] });
      i += m[0].length;
    } else if ((m = /^\d+(\.\d+)?(e[+-]?\d+)?(ns|u|µ|ms|s|m|h|d|w)?\b/i.exec(rest))) {
      tokens.push({ kind: 'number', text: m[0] });
      i += m[0].length;
    } else if ((m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest))) {
      tokens.push({ kind: 'word', text: m[0] });
      i += m[0].length;
    } else if ((m = /^(=~|!~|!=|<>|<=|>=|[=<>(),*/+\-.])/.exec(rest))) {
      tokens.push({ kind: 'op', text: m[0] });
      i += m[0].length;
    } else throw new Error(`unexpected "${ch}" at ${i} in: ${query}`);
  }
  return tokens;
}

export interface QueryRefs {
  measurements: string[];
  /** Names used as fields or tags (quoted identifiers that are not measurements or aliases). */
  names: string[];
  aliases: string[];
  /** Tag keys of SHOW TAG VALUES … WITH KEY. */
  tagKeys: string[];
  /** `fn("field")` pairs, to check the function suits the field's type. */
  calls: Array<{ fn: string; field: string }>;
  /** Bare words that are neither keywords nor functions: unquoted names the catalog check would miss. */
  bare: string[];
}

export function queryRefs(query: string): QueryRefs {
  const t = tokenize(query);
  const refs: QueryRefs = { measurements: [], names: [], aliases: [], tagKeys: [], calls: [], bare: [] };
  t.forEach((tok, i) => {
    const before = t[i - 1];
    const after = t[i + 1];
    if (tok.kind === 'word') {
      const word = tok.text.toLowerCase();
      if (after?.text === '(') return; // a function
      if (!KEYWORDS.has(word)) refs.bare.push(tok.text);
      return;
    }
    if (tok.kind !== 'ident') return;
    const prevWord = before?.kind === 'word' ? before.text.toLowerCase() : '';
    if (prevWord === 'from') refs.measurements.push(tok.text);
    else if (prevWord === 'as') refs.aliases.push(tok.text);
    else if (before?.text === '=' && t[i - 2]?.text.toLowerCase() === 'key') refs.tagKeys.push(tok.text);
    else {
      refs.names.push(tok.text);
      const fn = t[i - 2];
      if (before?.text === '(' && fn?.kind === 'word') refs.calls.push({ fn: fn.text.toLowerCase(), field: tok.text });
    }
  });
  return refs;
}

export const isNumericFunction = (fn: string): boolean => NUMERIC_FUNCTIONS.has(fn);
