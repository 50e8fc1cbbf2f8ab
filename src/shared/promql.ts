import { PromQLSyntaxError } from './errors';
import { parseDuration } from './time';

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

/** A vector selector as Prometheus' grammar reads it, with the name it selects and the time it reads. */
export interface VectorSelector {
  /** As written, e.g. `up{job="node"}`. */
  text: string;
  /** Where it starts in the query. */
  from: number;
  /** The metric name an equality matcher selects: `name{…}`, `{"name", …}` or `{__name__="name"}`. */
  metric?: string;
  /** A matcher on `__name__` other than `=` (`__name__=~"a|b"`), as written, when no name is selected by equality. */
  nameMatcher?: string;
  /** Seconds of range before each evaluation: a range selector's, plus any enclosing subquery's (the lookback left out). */
  range: number;
  /** Its own range selector (`up[5m]`), as written and in seconds, when it has one. */
  matrix?: { text: string; seconds: number };
  /** Seconds the offsets move it back (negative: forward). */
  offset: number;
  /** Its `@` time: Unix seconds, or the query's start or end. */
  at?: number | 'start' | 'end';
}

type Parser = (typeof import('@prometheus-io/lezer-promql'))['parser'];
type SyntaxNode = ReturnType<Parser['parse']>['topNode'];

/**
 * Every vector selector of `query`, by Prometheus' own grammar (loaded on first use). A
 * duration it cannot evaluate counts as 0: the checks built on this refuse only what is
 * certain.
 */
export async function vectorSelectors(query: string): Promise<VectorSelector[]> {
  const { parser } = await import('@prometheus-io/lezer-promql');
  const text = (node: SyntaxNode) => query.slice(node.from, node.to);
  const selectors: VectorSelector[] = [];
  const cursor = parser.parse(query).cursor();
  do {
    if (cursor.name !== 'VectorSelector') continue;
    const node = cursor.node;
    const selector: VectorSelector = { text: text(node), from: node.from, range: 0, offset: 0 };
    const identifier = node.getChild('Identifier');
    if (identifier !== null) selector.metric = text(identifier);
    for (let m = node.getChild('LabelMatchers')?.firstChild ?? null; m !== null; m = m.nextSibling) {
      // `{"name", …}`: a quoted name alone selects the metric.
      if (m.name === 'QuotedLabelName') {
        selector.metric ??= unquote(text(m));
        continue;
      }
      const name = m.getChild('LabelName') ?? m.getChild('QuotedLabelName');
      const op = m.getChild('MatchOp');
      const value = m.getChild('StringLiteral');
      if (name === null || op === null || value === null) continue;
      if ((name.name === 'LabelName' ? text(name) : unquote(text(name))) !== '__name__') continue;
      if (text(op) === '=') selector.metric ??= unquote(text(value));
      else selector.nameMatcher ??= text(m);
    }
    if (selector.metric !== undefined) delete selector.nameMatcher;
    if (node.parent?.name === 'MatrixSelector') {
      const seconds = durationOf(node.parent.getChild('DurationExpr'), text) ?? 0;
      selector.matrix = { text: text(node.parent), seconds };
      selector.range += seconds;
    }
    for (let p = node.parent; p !== null; p = p.parent) {
      const operand = modifiedBy(p);
      if (operand === undefined || node.from < operand.from || node.to > operand.to) continue;
      if (p.name === 'SubqueryExpr') selector.range += durationOf(p.getChild('DurationExpr'), text) ?? 0;
      else if (p.name === 'OffsetExpr') selector.offset += durationOf(p.getChild('OffsetDurationExpr'), text) ?? 0;
      else if (p.name === 'StepInvariantExpr' && selector.at === undefined) selector.at = atOf(p, text);
    }
    selectors.push(selector);
  } while (cursor.next());
  return selectors;
}

const MODIFIERS = new Set(['SubqueryExpr', 'OffsetExpr', 'StepInvariantExpr']);

/**
 * The expression a subquery's range, an offset or an `@` applies to. lezer-promql groups
 * `a + b offset 1h` as `(a + b) offset 1h`; Prometheus binds the modifier tighter than any
 * operator, to the rightmost operand: `b`.
 */
function modifiedBy(node: SyntaxNode): SyntaxNode | undefined {
  if (!MODIFIERS.has(node.name)) return undefined;
  let operand = node.firstChild;
  while (operand !== null && (operand.name === 'BinaryExpr' || operand.name === 'UnaryExpr' || MODIFIERS.has(operand.name))) {
    operand = operand.name === 'BinaryExpr' || operand.name === 'UnaryExpr' ? operand.lastChild : operand.firstChild;
  }
  return operand ?? undefined;
}

const ARITHMETIC: Record<string, (a: number, b: number) => number> = {
  Add: (a, b) => a + b,
  Sub: (a, b) => a - b,
  Mul: (a, b) => a * b,
  Div: (a, b) => a / b,
  Mod: (a, b) => a % b,
  Pow: (a, b) => a ** b,
};

/** A duration expression in seconds (`5m`, `1.5`, `-1h`, `(5m)`, `2*5m`); undefined when it cannot be read. */
function durationOf(node: SyntaxNode | null, text: (node: SyntaxNode) => string): number | undefined {
  if (node === null) return undefined;
  const parts: SyntaxNode[] = [];
  for (let child = node.firstChild; child !== null; child = child.nextSibling) parts.push(child);
  if (parts.length === 0 || (parts.length === 1 && parts[0]!.name.startsWith('NumberDurationLiteral'))) {
    const written = text(node).replace(/\s+/g, '');
    return /^\d+(\.\d+)?$/.test(written) ? Number(written) : parseDuration(written);
  }
  if (parts.length === 1) return durationOf(parts[0]!, text);
  if (parts.length === 2 && parts[0]!.name === 'UnaryOp') {
    const value = durationOf(parts[1]!, text);
    return value === undefined ? undefined : text(parts[0]!) === '-' ? -value : value;
  }
  const operation = parts.length === 3 ? ARITHMETIC[parts[1]!.name] : undefined;
  const [a, b] = [durationOf(parts[0]!, text), durationOf(parts[2] ?? null, text)];
  return operation === undefined || a === undefined || b === undefined ? undefined : operation(a, b);
}

/** The time of an `@` modifier: Unix seconds, start() or end(). */
function atOf(node: SyntaxNode, text: (node: SyntaxNode) => string): number | 'start' | 'end' | undefined {
  const preprocessor = node.getChild('AtModifierPreprocessors');
  if (preprocessor !== null) return preprocessor.getChild('AtStart') !== null ? 'start' : 'end';
  const literal = node.getChild('NumberDurationLiteral');
  const seconds = literal === null ? Number.NaN : Number(text(literal));
  return Number.isFinite(seconds) ? seconds : undefined;
}

/** A PromQL string literal's value ("…" and '…' with escapes, `…` raw); undefined when malformed. */
export function unquote(literal: string): string | undefined {
  try {
    if (literal.startsWith('"')) return JSON.parse(literal) as string;
    if (literal.startsWith("'")) return JSON.parse(`"${literal.slice(1, -1).replace(/\\'/g, "'").replace(/"/g, '\\"')}"`) as string;
    if (literal.startsWith('`')) return literal.slice(1, -1);
  } catch {
    return undefined;
  }
  return undefined;
}

/** Prometheus' legacy name syntax: a name of any other form is quoted in PromQL (`{"http.server.requests"}`). */
const LEGACY_METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LEGACY_LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** Words PromQL reads as its own where a bare name stands: a metric of such a name is quoted. */
const KEYWORDS = new Set([
  ...['and', 'or', 'unless', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset', 'start', 'end'],
  ...['inf', 'nan', 'atan2', 'sum', 'avg', 'count', 'min', 'max', 'group', 'stddev', 'stdvar', 'topk', 'bottomk'],
  ...['count_values', 'quantile', 'limitk', 'limit_ratio'],
]);

/** A selector of one metric, with equality matchers: `up{job="api"}`, or `{"http.server.active_requests", "@resource.service.name"="api"}`. */
export function selectorOf(metric: string, labels: Record<string, string> = {}): string {
  const matchers = Object.entries(labels).map(([name, value]) => `${labelNameText(name)}=${JSON.stringify(value)}`);
  if (LEGACY_METRIC_NAME.test(metric) && !KEYWORDS.has(metric.toLowerCase())) return matchers.length === 0 ? metric : `${metric}{${matchers.join(', ')}}`;
  return `{${[JSON.stringify(metric), ...matchers].join(', ')}}`;
}

/** A label name as PromQL writes it: bare when it can be (`job`), quoted otherwise (`"@resource.service.name"`). */
export function labelNameText(name: string): string {
  return LEGACY_LABEL_NAME.test(name) ? name : JSON.stringify(name);
}

/** Seconds as a Prometheus duration: 21600 is 6h, 90 is 1m30s. */
export function formatDuration(seconds: number): string {
  if (seconds < 1) return `${Math.round(seconds * 1000)}ms`;
  let rest = Math.round(seconds);
  let text = '';
  for (const [unit, size] of [['d', 86_400], ['h', 3600], ['m', 60], ['s', 1]] as const) {
    if (rest >= size) {
      text += `${Math.floor(rest / size)}${unit}`;
      rest %= size;
    }
  }
  return text;
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
