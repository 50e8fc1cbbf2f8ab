import { PromQLSyntaxError } from './errors';

/**
 * PromQL checks before any network call. Only what is certainly broken is refused here:
 * unbalanced brackets, an unterminated string, a dangling operator, an empty query.
 * Everything else goes to Prometheus, which knows its own language best (functions
 * newer than any grammar package, UTF-8 names, `1.` and `.5` literals, long operator
 * chains): a false refusal is worse than a late error. When Prometheus does refuse a
 * query, `explainPromQL` adds what Prometheus' own grammar (@prometheus-io/lezer-promql,
 * loaded only then) says about where it breaks.
 */

const OPENERS: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
const CLOSERS = new Set([')', ']', '}']);
/** Binary operators and keywords that cannot end a query. */
const DANGLING = /(?:[-+*/%^,=<>~]|\b(?:and|or|unless))$/;

export function assertValidPromQL(field: string, query: string): void {
  const stack: { char: string; offset: number }[] = [];
  let code = '';
  let i = 0;
  while (i < query.length) {
    const c = query[i]!;
    if (c === '"' || c === "'" || c === '`') {
      const end = stringEnd(query, i);
      if (end === undefined) fail(field, query, i, `unterminated string starting with ${c}`);
      code += ' x ';
      i = end + 1;
      continue;
    }
    if (c === '#') {
      const newline = query.indexOf('\n', i);
      i = newline === -1 ? query.length : newline;
      continue;
    }
    if (OPENERS[c] !== undefined) {
      stack.push({ char: c, offset: i });
    } else if (CLOSERS.has(c)) {
      const open = stack.pop();
      if (open === undefined || OPENERS[open.char] !== c) fail(field, query, i, `unexpected ${JSON.stringify(c)}`);
    }
    code += c;
    i++;
  }
  const unclosed = stack.pop();
  if (unclosed !== undefined) fail(field, query, unclosed.offset, `unclosed ${JSON.stringify(unclosed.char)}`);
  const significant = code.trim();
  if (significant === '') fail(field, query, query.length, 'the query is empty');
  if (DANGLING.test(significant)) fail(field, query, query.length, 'unexpected end of input after an operator');
}

/** Where Prometheus' grammar stops on `query`, to add to Prometheus' own parse error; undefined when it parses. */
export async function explainPromQL(query: string): Promise<string | undefined> {
  const { parser } = await import('@prometheus-io/lezer-promql');
  let error: { from: number; to: number } | undefined;
  parser.parse(query).iterate({
    enter(node) {
      if (error !== undefined) return false;
      if (node.type.isError) error = { from: node.from, to: node.to };
      return undefined;
    },
  });
  if (error === undefined) return undefined;
  const found =
    error.from >= query.length
      ? 'unexpected end of input'
      : `unexpected ${JSON.stringify(query.slice(error.from, Math.max(error.to, error.from + 1)).slice(0, 20))}`;
  return `${found} at ${where(query, error.from)}`;
}

/** The offset of the quote closing the string opened at `start`, honouring backslash escapes (none in backticks). */
function stringEnd(query: string, start: number): number | undefined {
  const quote = query[start]!;
  for (let i = start + 1; i < query.length; i++) {
    const c = query[i];
    if (c === '\\' && quote !== '`') i++;
    else if (c === quote) return i;
  }
  return undefined;
}

function fail(field: string, query: string, offset: number, what: string): never {
  throw new PromQLSyntaxError(`field '${field}' is not valid PromQL: ${what} at ${where(query, offset)}`);
}

function where(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `line ${before.length}, column ${before[before.length - 1]!.length + 1} (offset ${offset})`;
}
